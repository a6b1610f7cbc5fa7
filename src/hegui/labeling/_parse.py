"""Tolerant interpretation of a stored label.

Accept what writers in the wild produce, and say exactly how each departs from GB 45438
Appendix E.

Two forms conform in every carrier (``standards-verification-2026-12.md`` item 23, grade B): the
bare seven-field object the TC260 practice guides print under a key named ``AIGC`` (XMP
``TC260:AIGC``, MP4 keys, ID3 ``TXXX``, Vorbis comments, OOXML, PDF Info), and the wrapped
``{"AIGC": {…}}`` that GB 45438 Appendix E b) itself prints as the value of the extension field
("隐式标识扩展字段的值，应为符合以下格式的字符串") and PG-20259A App. B uses where there is no key
slot (EXIF UserComment, PNG ``tEXt``). Which one was found is reported (:class:`LabelForm`).

Other variants handled (``anchors.md`` §5.1, ``standards.md`` §2.3–2.5), each reported as a
departure: Base64 values, double-encoded JSON, misspelled keys (``ReserveCode1``, ``Propagator``,
``PropatorID``), numbers for strings, fields out of order, unknown keys, ``Label: AIGC``, names
with spaces or Chinese names, malformed provider codes, non-standard placements.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Final

from hegui.labeling._found import FoundLabel, LabelForm, RawLabel
from hegui.labeling._model import FIELD_ORDER, LabelValue, charset_problem
from hegui.labeling._provider import ServiceType, check_provider_code
from hegui.labeling._security_data import security_data

__all__ = ["interpret"]

_ALIASES: Final = {
    "label": "Label",
    "contentproducer": "ContentProducer",
    "producer": "ContentProducer",
    "produceid": "ProduceID",
    "producerid": "ProduceID",
    "reservedcode1": "ReservedCode1",
    "reservecode1": "ReservedCode1",
    "contentpropagator": "ContentPropagator",
    "propagator": "ContentPropagator",
    "propagateid": "PropagateID",
    "propatorid": "PropagateID",
    "propagatorid": "PropagateID",
    "reservedcode2": "ReservedCode2",
    "reservecode2": "ReservedCode2",
}
_BASE64: Final = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_CODE_LIKE: Final = re.compile(r"00[0-9A-Za-z]{18,}")


_UNREADABLE: Final = object()


class _DuplicateKeyError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _decode(text: str, problems: list[str]) -> object:
    stripped = text.strip().lstrip("\ufeff")
    if stripped.startswith("AIGC{"):
        problems.append("value starts with a bare 'AIGC' before the JSON object")
        stripped = stripped[4:]
    try:
        return json.loads(stripped, object_pairs_hook=_pairs)
    except _DuplicateKeyError as exc:
        problems.append(f"key {exc} appears twice in the JSON object")
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        if _BASE64.fullmatch(stripped):
            try:
                decoded = base64.b64decode(
                    stripped.replace("-", "+").replace("_", "/") + "=" * (-len(stripped) % 4)
                ).decode("utf-8")
                value = json.loads(decoded, object_pairs_hook=_pairs)
            except (binascii.Error, UnicodeDecodeError, ValueError):
                pass
            else:
                problems.append(
                    "value is Base64-encoded JSON; the TC260 guides store plain JSON "
                    "(Base64 is only Tencent Cloud's HTTP transport form)"
                )
                return value
        raise ValueError(f"not JSON ({exc.msg} at character {exc.pos})") from exc


def _unwrap(obj: object, problems: list[str]) -> tuple[object, LabelForm]:
    """The seven-field object, and whether it came bare or wrapped (both conform)."""
    wrapped = isinstance(obj, dict) and len(obj) == 1 and next(iter(obj)).upper() == "AIGC"
    if not wrapped:
        return obj, LabelForm.OBJECT
    assert isinstance(obj, dict)
    key, inner = next(iter(obj.items()))
    if key != "AIGC":
        problems.append(f"wrapper key is {key!r}; Appendix E b) spells it 'AIGC'")
    if isinstance(inner, str):
        problems.append("the AIGC object is a JSON string inside JSON (double-encoded)")
        inner = _decode(inner, problems)
    return inner, LabelForm.WRAPPED


_RESERVED: Final = ("ReservedCode1", "ReservedCode2")


def _collect(
    obj: dict[str, object], problems: list[str], notes: dict[str, str]
) -> dict[str, str | None]:
    """The seven values; ``notes`` gets the reserved fields that hold SecurityData."""
    values: dict[str, str | None] = dict.fromkeys(FIELD_ORDER)
    seen: list[str] = []
    for key, value in obj.items():
        name = key if key in FIELD_ORDER else _ALIASES.get(key.replace("_", "").lower())
        if name is None:
            problems.append(f"unknown key {key!r}; Appendix E has exactly seven elements")
            continue
        if name != key:
            problems.append(f"key {key!r} should be spelled {name!r} (Appendix E)")
        if name in seen:
            problems.append(f"{name} given twice (as {key!r})")
            continue
        seen.append(name)
        secured = security_data(value) if name in _RESERVED else None
        if secured is not None:
            # TC260-PG-202511A puts an object here (UNCONFIRMED): a note, not a non-conformity.
            values[name] = value if isinstance(value, str) else _compact(value)
            notes[name] = f"{name} holds {secured.describe()}"
        elif isinstance(value, str):
            values[name] = value
        elif isinstance(value, bool) or value is None or isinstance(value, dict | list):
            problems.append(f"{name} is {json.dumps(value)}; Appendix E values are strings")
            values[name] = None if value is None else json.dumps(value)
        else:
            problems.append(f"{name} is the number {value}; Appendix E values are JSON strings")
            values[name] = str(value)
    in_order = [n for n in FIELD_ORDER if n in seen]
    if seen != in_order:
        problems.append(
            f"elements are in the order {seen}; Appendix E lists them as {list(FIELD_ORDER)}"
        )
    missing = [n for n in FIELD_ORDER if n not in seen]
    if missing:
        problems.append(f"missing elements {missing}; Appendix E has all seven")
    return values


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _check_values(
    values: dict[str, str | None], problems: list[str], structured: frozenset[str] = frozenset()
) -> None:
    label = values["Label"]
    allowed = [v.value for v in LabelValue]
    if label is not None and label not in allowed:
        problems.append(f"Label is {label!r}; Appendix E c) allows {allowed}")
    for name in ("ContentProducer", "ProduceID", "ContentPropagator", "PropagateID"):
        if values[name] == "":
            problems.append(f"{name} is empty")
    for name, value in values.items():
        if name in structured:
            continue
        problem = charset_problem(name, value or "")
        if problem:
            problems.append(problem)
    producer, propagator = values["ContentProducer"], values["ContentPropagator"]
    # Position 23 should say who wrote the element: '1' for the producer (Label 1), '2' for a
    # platform that propagates. A propagator equal to the producer is the first-write copy, and a
    # platform that writes the first label (Label 2 or 3) fills the production elements with its
    # own code (Note 1), so neither of those is checked.
    expected = {
        "ContentProducer": ServiceType.GENERATION if values["Label"] == "1" else None,
        "ContentPropagator": ServiceType.DISTRIBUTION if propagator != producer else None,
    }
    for name, wanted in expected.items():
        code = values[name]
        if code is None or not _CODE_LIKE.fullmatch(code):
            continue
        result = check_provider_code(code, strict_subject=False)
        if isinstance(result, list):
            problems.extend(f"{name}: {p}" for p in result)
        elif wanted is not None and result.service_type not in (wanted, ServiceType.UNUSED):
            who = "producer" if wanted is ServiceType.GENERATION else "platform"
            problems.append(
                f"{name} {code!r} has service type {result.service_type.value!r} "
                f"(position 23); a {who} code uses {wanted.value!r} (TC260 coding guide)"
            )
    if (
        producer is not None
        and producer == propagator
        and values["PropagateID"] != values["ProduceID"]
    ):
        problems.append(
            "ContentPropagator equals ContentProducer but PropagateID differs from ProduceID; "
            "Appendix E Note 1 wants them equal on the first write"
        )


def interpret(raw: RawLabel) -> FoundLabel:
    """Interpret one stored value, listing every departure from Appendix E."""
    problems = list(raw.problems)
    stored = (
        raw.text
        if raw.text is not None
        else json.dumps(raw.mapping, ensure_ascii=False, default=str)
    )
    values: dict[str, str | None] = dict.fromkeys(FIELD_ORDER)
    form = LabelForm.MAPPING if raw.text is None else LabelForm.OBJECT
    try:
        obj: object = raw.mapping if raw.text is None else _decode(raw.text, problems)
        if raw.text is not None:
            obj, form = _unwrap(obj, problems)
    except ValueError as exc:
        problems.append(str(exc))
        obj = _UNREADABLE
    notes: dict[str, str] = {}
    if isinstance(obj, dict):
        values = _collect({str(k): v for k, v in obj.items()}, problems, notes)
        _check_values(values, problems, frozenset(notes))
    else:
        form = LabelForm.UNREADABLE
        if obj is not _UNREADABLE:
            problems.append(f"value is a JSON {type(obj).__name__}, not an object")
    return FoundLabel(
        carrier=raw.carrier,
        fields=values,
        conforming=not problems,
        problems=tuple(problems),
        raw=stored,
        standard_placement=raw.standard,
        form=form,
        notes=tuple(notes.values()),
    )
