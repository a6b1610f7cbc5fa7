from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from hypothesis import given
from hypothesis import strategies as st

from hegui.errors import InputError
from hegui.labeling import (
    CHARSET_PATTERN,
    METADATA_ONLY,
    RETIRED_DIGESTS,
    AigcLabel,
    ContentDigest,
    Ed25519Key,
    HmacKey,
    IntegrityRole,
    IntegrityStatus,
    KeyKind,
    integrity_message,
    load_key,
    sign_label,
    verify_integrity,
)

from .conftest import PLATFORM, producer_label

SECRET = b"0123456789abcdef-shared-secret"


def _ed25519_pems() -> tuple[bytes, bytes]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return private, public


PRIVATE_PEM, PUBLIC_PEM = _ed25519_pems()
DIGEST = ContentDigest("png/2", "ab" * 32)


def _no_digest() -> ContentDigest | None:
    return None


@pytest.mark.parametrize(
    ("key_bytes", "kind"),
    [(SECRET, KeyKind.HMAC), (PRIVATE_PEM, KeyKind.ED25519)],
    ids=["hs256", "ed25519"],
)
@pytest.mark.parametrize("digest", [None, DIGEST], ids=["metadata", "content"])
def test_sign_then_verify_valid(
    key_bytes: bytes, kind: KeyKind, digest: ContentDigest | None
) -> None:
    key = load_key(key_bytes, kind)
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, key, digest)
    assert CHARSET_PATTERN.fullmatch(signed.reserved_code1)
    assert signed.reserved_code1.split(".")[3] == ("m" if digest is None else "c2")
    result = verify_integrity(signed, IntegrityRole.PRODUCER, [key], lambda: digest)
    assert result.status is IntegrityStatus.VALID, result.detail
    assert result.covers_content is (digest is not None)
    # S5: a value that does not bind the content says so.
    assert (METADATA_ONLY in result.detail) is (digest is None)


def test_ed25519_public_key_verifies_but_cannot_sign() -> None:
    signed = sign_label(
        producer_label(), IntegrityRole.PRODUCER, load_key(PRIVATE_PEM, KeyKind.ED25519)
    )
    public = load_key(PUBLIC_PEM, KeyKind.ED25519)
    assert not public.can_sign
    assert verify_integrity(signed, IntegrityRole.PRODUCER, [public], _no_digest).status is (
        IntegrityStatus.VALID
    )
    with pytest.raises(InputError, match="cannot sign"):
        sign_label(producer_label(), IntegrityRole.PRODUCER, public)


@pytest.mark.parametrize(
    "change",
    [
        {"Label": "3"},
        {"ContentProducer": PLATFORM},
        {"ProduceID": "other"},
    ],
)
def test_changed_production_fields_are_invalid(change: dict[str, str]) -> None:
    key = HmacKey(SECRET)
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, key)
    tampered = AigcLabel.from_fields(signed.fields() | change)
    assert verify_integrity(tampered, IntegrityRole.PRODUCER, [key], _no_digest).status is (
        IntegrityStatus.INVALID
    )


def test_platform_rewrites_propagation_without_breaking_producer_value() -> None:
    producer_key, platform_key = HmacKey(SECRET), load_key(PRIVATE_PEM, KeyKind.ED25519)
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, producer_key, DIGEST)
    propagated = signed.model_copy(
        update={"content_propagator": PLATFORM, "propagate_id": "plat-9"}
    )
    propagated = sign_label(propagated, IntegrityRole.PLATFORM, platform_key, DIGEST)
    keys = [producer_key, platform_key]
    assert verify_integrity(propagated, IntegrityRole.PRODUCER, keys, lambda: DIGEST).status is (
        IntegrityStatus.VALID
    )
    assert verify_integrity(propagated, IntegrityRole.PLATFORM, keys, lambda: DIGEST).status is (
        IntegrityStatus.VALID
    )
    # The platform value chains over the producer's: replacing ReservedCode1 breaks it.
    forged = propagated.model_copy(update={"reserved_code1": "x"})
    assert verify_integrity(forged, IntegrityRole.PLATFORM, keys, lambda: DIGEST).status is (
        IntegrityStatus.INVALID
    )


def test_changed_content_is_invalid() -> None:
    key = HmacKey(SECRET)
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, key, DIGEST)
    other = ContentDigest("png/2", "cd" * 32)
    status = verify_integrity(signed, IntegrityRole.PRODUCER, [key], lambda: other).status
    assert status is IntegrityStatus.INVALID


def test_retired_digest_definition_is_unverifiable_never_valid() -> None:
    """A value bound to a digest definition this hegui no longer computes (png/1 left eXIf and
    text chunks out) cannot be shown as proof of the content."""
    key = HmacKey(SECRET)
    signed = sign_label(
        producer_label(), IntegrityRole.PRODUCER, key, ContentDigest("png/1", "ab" * 32)
    )
    result = verify_integrity(
        signed, IntegrityRole.PRODUCER, [key], lambda: DIGEST, retired=RETIRED_DIGESTS.get
    )
    assert result.status is IntegrityStatus.UNVERIFIABLE
    assert "png/1" in result.detail and "eXIf" in result.detail


def test_hg1_values_of_a_current_definition_still_verify() -> None:
    """hegui 0.1 wrote hg1 tokens; metadata-only and mp3/1 content values keep verifying."""
    import base64

    key = HmacKey(SECRET)
    mp3 = ContentDigest("mp3/1", "ef" * 32)
    for digest, scope in ((None, "m"), (mp3, "c")):
        message = integrity_message(producer_label(), IntegrityRole.PRODUCER, digest, version="hg1")
        sig = base64.urlsafe_b64encode(key.sign(message)).rstrip(b"=").decode()
        label = producer_label().model_copy(
            update={"reserved_code1": f"hg1.hs256.{key.kid}.{scope}.{sig}"}
        )
        result = verify_integrity(label, IntegrityRole.PRODUCER, [key], lambda d=digest: d)
        assert result.status is IntegrityStatus.VALID, result.detail


@pytest.mark.parametrize(
    ("value", "keys", "status", "needle"),
    [
        ("", [HmacKey(SECRET)], IntegrityStatus.ABSENT, "empty"),
        ("e862483430d978cbf828b8b24296ef9328d843a0", [], IntegrityStatus.UNVERIFIABLE, "another"),
        ("hg2.sm2.0a0b0c0d.m.AAAA", [], IntegrityStatus.UNVERIFIABLE, "unknown scheme"),
        ("hg2.hs256.00000000.m.AAAA", [HmacKey(SECRET)], IntegrityStatus.UNVERIFIABLE, "no hs256"),
    ],
)
def test_non_valid_statuses(
    value: str, keys: list[HmacKey], status: IntegrityStatus, needle: str
) -> None:
    label = producer_label().model_copy(update={"reserved_code1": value})
    result = verify_integrity(label, IntegrityRole.PRODUCER, keys, _no_digest)
    assert result.status is status
    assert needle in result.detail


def test_corrupted_signature_is_invalid() -> None:
    key = HmacKey(SECRET)
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, key)
    head, sig = signed.reserved_code1.rsplit(".", 1)
    flipped = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    label = signed.model_copy(update={"reserved_code1": flipped})
    assert verify_integrity(label, IntegrityRole.PRODUCER, [key], _no_digest).status is (
        IntegrityStatus.INVALID
    )


def test_short_hmac_key_rejected_and_repr_hides_secret() -> None:
    with pytest.raises(InputError, match="at least 16"):
        HmacKey(b"short")
    assert SECRET.decode() not in repr(HmacKey(SECRET))


def test_private_key_never_in_repr() -> None:
    """S20: a logger or error page that reprs the key must not leak it."""
    key = load_key(PRIVATE_PEM, KeyKind.ED25519)
    shown = repr(key) + repr([key]) + str(key)
    assert "PRIVATE" not in shown and PRIVATE_PEM.decode().splitlines()[1] not in shown
    assert key.kid in repr(key)


def _public_forms() -> dict[str, bytes]:
    public = Ed25519PrivateKey.generate().public_key()
    return {
        "der": public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        "raw": public.public_bytes(Encoding.Raw, PublicFormat.Raw),
        "ssh": public.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH) + b" user@host\n",
        "pem": public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "pem-bag": b"Bag Attributes\n    localKeyID: 01\n"
        + public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
    }


@pytest.mark.parametrize("form", sorted(_public_forms()))
def test_public_key_is_never_an_hmac_secret(form: str) -> None:
    """S4: with the public key as an HMAC secret anyone could forge a valid tag."""
    data = _public_forms()[form]
    with pytest.raises(InputError, match="refusing this HMAC secret"):
        load_key(data, KeyKind.HMAC, source="--hmac-key pub")


def test_raw_public_key_ending_in_a_newline_byte_is_refused() -> None:
    raw = bytes(range(200, 231)) + b"\n"  # 32 binary bytes; the last one looks like a newline
    with pytest.raises(InputError, match="raw Ed25519 public key"):
        load_key(raw, KeyKind.HMAC)


def test_hmac_secret_is_not_an_ed25519_key_and_forgery_fails() -> None:
    with pytest.raises(InputError, match="--hmac-key"):
        load_key(SECRET, KeyKind.ED25519, source="--key label.key")
    # The S4 forgery: a tag made by someone who only has public material never verifies against
    # the Ed25519 key the verifier holds.
    forger = HmacKey(b"attacker-secret-0123456789")
    forged = sign_label(producer_label(), IntegrityRole.PRODUCER, forger, DIGEST)
    public = load_key(PUBLIC_PEM, KeyKind.ED25519)
    result = verify_integrity(forged, IntegrityRole.PRODUCER, [public], lambda: DIGEST)
    assert result.status is IntegrityStatus.UNVERIFIABLE


def test_non_ed25519_pem_rejected() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    with pytest.raises(InputError, match="not Ed25519"):
        load_key(pem, KeyKind.ED25519, source="ec.pem")


@given(produce_id=st.text(alphabet="abcdef0123456789-", min_size=1, max_size=30))
def test_ed25519_kid_is_stable(produce_id: str) -> None:
    key = load_key(PRIVATE_PEM, KeyKind.ED25519)
    assert isinstance(key, Ed25519Key)
    signed = sign_label(producer_label(produce_id), IntegrityRole.PRODUCER, key)
    assert signed.reserved_code1.split(".")[2] == key.kid
