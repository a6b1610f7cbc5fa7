"""Tolerant interpretation of a stored label.

Accept what writers in the wild produce, and say exactly how each departs from GB 45438
Appendix E.

Variants handled (``anchors.md`` §5.1, ``standards.md`` §2.3–2.5): Base64 values, the
``{"AIGC":{…}}`` wrapper where none is expected (and its absence where it is), double-encoded
JSON, misspelled keys (``ReserveCode1``, ``Propagator``, ``PropatorID``), numbers for strings,
fields out of order, unknown keys, ``Label: AIGC``, names with spaces, malformed provider codes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Final

from hegui.labeling._found import FoundLabel, RawLabel
from hegui.labeling._model import FIELD_ORDER, LabelValue, charset_violations
from hegui.labeling._provider import ServiceType, check_provider_code

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


def _unwrap(obj: object, raw: RawLabel, problems: list[str]) -> object:
    wrapped = isinstance(obj, dict) and len(obj) == 1 and next(iter(obj)).upper() == "AIGC"
    if wrapped:
        assert isinstance(obj, dict)
        key, inner = next(iter(obj.items()))
        if key != "AIGC":
            problems.append(f"wrapper key is {key!r}; expected 'AIGC'")
        if raw.expects_wrapper is False:
            problems.append(
                'value is wrapped in {"AIGC":…}; in this carrier the key already names the '
                "label, so Appendix E wants the bare seven-field object"
            )
        if isinstance(inner, str):
            problems.append("the AIGC object is a JSON string inside JSON (double-encoded)")
            inner = _decode(inner, problems)
        return inner
    if raw.expects_wrapper:
        problems.append(
            "bare object; this carrier has no key slot, so TC260-PG-20259A App. B wants "
            '{"AIGC":{…}}'
        )
    return obj


def _collect(obj: dict[str, object], problems: list[str]) -> dict[str, str | None]:
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
        if isinstance(value, str):
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


def _check_values(values: dict[str, str | None], problems: list[str]) -> None:
    label = values["Label"]
    allowed = [v.value for v in LabelValue]
    if label is not None and label not in allowed:
        problems.append(f"Label is {label!r}; Appendix E c) allows {allowed}")
    for name in ("ContentProducer", "ProduceID", "ContentPropagator", "PropagateID"):
        if values[name] == "":
            problems.append(f"{name} is empty")
    for name, value in values.items():
        bad = charset_violations(value or "")
        if bad:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
            problems.append(f"{name} contains {shown}, outside the Appendix E j) character set")
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
    try:
        obj: object = raw.mapping if raw.text is None else _decode(raw.text, problems)
        obj = _unwrap(obj, raw, problems)
    except ValueError as exc:
        problems.append(str(exc))
        obj = _UNREADABLE
    if isinstance(obj, dict):
        values = _collect({str(k): v for k, v in obj.items()}, problems)
        _check_values(values, problems)
    elif obj is not _UNREADABLE:
        problems.append(f"value is a JSON {type(obj).__name__}, not an object")
    return FoundLabel(
        carrier=raw.carrier,
        fields=values,
        conforming=not problems,
        problems=tuple(problems),
        raw=stored,
    )
