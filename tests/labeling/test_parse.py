from __future__ import annotations

import base64
import json

import pytest

from hegui.labeling import FIELD_ORDER, LabelForm, RawLabel, interpret

from .conftest import PLATFORM, PRODUCER, producer_label

GOOD = producer_label().to_json()


def _raw(text: str) -> RawLabel:
    return RawLabel(carrier="test.slot", text=text)


def test_conforming_label() -> None:
    found = interpret(_raw(GOOD))
    assert found.conforming, found.problems
    assert list(found.fields) == list(FIELD_ORDER)
    assert found.to_label() == producer_label()
    assert found.form is LabelForm.OBJECT


def test_wrapped_form_of_appendix_e_b_conforms_and_is_named() -> None:
    """GB 45438 Appendix E b) prints the value as {"AIGC": {...}}: never a non-conformity."""
    found = interpret(_raw(producer_label().to_wrapped_json()))
    assert found.conforming, found.problems
    assert found.form is LabelForm.WRAPPED
    assert found.to_label() == producer_label()


def _fields(**change: object) -> str:
    fields: dict[str, object] = dict(producer_label().fields())
    fields.update(change)
    return json.dumps(fields)


# In-the-wild variants (anchors.md §5.1; standards.md §2.3-2.5) and the reason each is reported.
VARIANTS = [
    ("base64", base64.b64encode(GOOD.encode()).decode(), False, "Base64"),
    ("wrapper-key-case", '{"aigc":' + GOOD + "}", False, "spells it 'AIGC'"),
    ("double-encoded", json.dumps({"AIGC": GOOD}), None, "double-encoded"),
    (
        "metatoolkit-misspellings",
        GOOD.replace("ReservedCode1", "ReserveCode1")
        .replace("ContentPropagator", "Propagator")
        .replace("PropagateID", "PropatorID"),
        False,
        "should be spelled 'ReservedCode1'",
    ),
    ("label-aigc", _fields(Label="AIGC"), False, "Label is 'AIGC'"),
    ("label-number", _fields(Label=1), False, "number 1"),
    (
        "minimax-name",
        _fields(ContentProducer="Minimax Agent AI", ContentPropagator="Minimax Agent AI"),
        False,
        "contains space",
    ),
    (
        "chinese-name",
        _fields(ContentProducer="某某科技有限公司"),
        False,
        "ContentProducer is '某某科技有限公司', which contains 8 characters of Chinese text",
    ),
    ("bad-check", _fields(ContentProducer=PRODUCER[:21] + "0" + PRODUCER[22:]), False, "check"),
    ("first-write", _fields(PropagateID="different"), False, "Note 1"),
    ("unknown-key", _fields(Extra="x"), False, "unknown key 'Extra'"),
    ("not-json", "Label=1;Producer=x", False, "not JSON"),
    ("array", "[1,2]", False, "not an object"),
    ("null", "null", False, "not an object"),
    ("empty", "", False, "not JSON"),
    ("duplicate-key", GOOD[:-1] + ',"Label":"2"}', False, "appears twice"),
    ("bare-prefix", "AIGC" + GOOD, False, "bare 'AIGC'"),
    (
        "platform-service-type",
        _fields(ContentPropagator=PRODUCER, PropagateID="x", ProduceID="x").replace(
            f'"ContentPropagator": "{PRODUCER}"', f'"ContentPropagator": "{PLATFORM[:22]}1A001"'
        ),
        False,
        "platform code uses '2'",
    ),
]


@pytest.mark.parametrize(
    ("text", "wrapper", "needle"), [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_variant_reported_non_conforming(text: str, wrapper: bool | None, needle: str) -> None:
    found = interpret(_raw(text))
    assert not found.conforming
    assert any(needle in p for p in found.problems), found.problems


def test_out_of_order_and_missing_fields() -> None:
    text = json.dumps({"ProduceID": "x", "Label": "1", "ContentProducer": PRODUCER})
    found = interpret(_raw(text))
    assert any("order" in p for p in found.problems)
    assert any("missing elements" in p for p in found.problems)
    assert found.fields["ReservedCode1"] is None
    assert found.fields["Label"] == "1"
    assert found.to_label() is None


def test_misspelled_keys_still_yield_values() -> None:
    text = GOOD.replace("PropagateID", "PropatorID")
    found = interpret(_raw(text))
    assert found.fields["PropagateID"] == producer_label().propagate_id


def test_yaml_mapping_form() -> None:
    raw = RawLabel(
        carrier="markdown.front_matter", text=None, mapping=dict(producer_label().fields())
    )
    assert interpret(raw).conforming
