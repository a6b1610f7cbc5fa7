"""AIGC labels per the Labeling Measures (2025) and GB 45438-2025.

Implicit labels: the Appendix E ``AIGC`` object (:class:`AigcLabel`), written into and read from
file metadata by one carrier per format; explicit labels: text, image, audio and video marks;
the platform side of Measures Art. 6 (confirmed / possible / suspected / none).

Example:
    >>> from hegui.labeling import AigcLabel, LabelValue
    >>> label = AigcLabel.first_write("001191440300708461136T1XGW3", "a1b2c3")
    >>> label.to_json()[:42]
    '{"Label":"1","ContentProducer":"0011914403'
"""

from hegui.labeling._found import FileReport, FoundLabel, RawLabel
from hegui.labeling._integrity import (
    Ed25519Key,
    HmacKey,
    IntegrityKey,
    IntegrityResult,
    IntegrityStatus,
    Role,
    integrity_message,
    integrity_scheme,
    load_key,
    sign_label,
    verify_integrity,
)
from hegui.labeling._model import (
    CHARSET_PATTERN,
    FIELD_ORDER,
    AigcLabel,
    LabelValue,
    charset_violations,
)
from hegui.labeling._parse import interpret
from hegui.labeling._provider import (
    ProviderCode,
    ServiceType,
    check_provider_code,
    looks_like_provider_code,
    make_provider_code,
)

__all__ = [
    "CHARSET_PATTERN",
    "FIELD_ORDER",
    "AigcLabel",
    "Ed25519Key",
    "FileReport",
    "FoundLabel",
    "HmacKey",
    "IntegrityKey",
    "IntegrityResult",
    "IntegrityStatus",
    "LabelValue",
    "ProviderCode",
    "RawLabel",
    "Role",
    "ServiceType",
    "charset_violations",
    "check_provider_code",
    "integrity_message",
    "integrity_scheme",
    "interpret",
    "load_key",
    "looks_like_provider_code",
    "make_provider_code",
    "sign_label",
    "verify_integrity",
]
