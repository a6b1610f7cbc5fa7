from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hegui.labeling import FIELD_ORDER, AigcLabel, LabelValue, charset_violations

from .conftest import PRODUCER, producer_label

# Appendix E j): 0x21, 0x23-0x5B, 0x5D-0x7E.
J_CHARS = "".join(chr(c) for c in [0x21, *range(0x23, 0x5C), *range(0x5D, 0x7F)])
j_text = st.text(alphabet=J_CHARS, min_size=1, max_size=40)


def test_seven_fields_in_appendix_e_order() -> None:
    text = producer_label().to_json()
    assert list(json.loads(text)) == list(FIELD_ORDER)
    assert text.startswith('{"Label":"1","ContentProducer":')
    assert " " not in text  # compact: the value itself is in the j) set apart from JSON syntax


def test_first_write_rule_sets_propagation_equal_to_production() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-42")
    assert label.content_propagator == label.content_producer == PRODUCER
    assert label.propagate_id == label.produce_id == "id-42"
    assert label.reserved_code2 == ""


def test_wrapped_form() -> None:
    label = producer_label()
    assert json.loads(label.to_wrapped_json()) == {"AIGC": json.loads(label.to_json())}


@pytest.mark.parametrize("value", ["1", "2", "3"])
def test_label_values(value: str) -> None:
    assert AigcLabel.first_write(PRODUCER, "x", label=LabelValue(value)).label.value == value


@pytest.mark.parametrize("bad", ["0", "4", "AIGC", ""])
def test_label_value_outside_appendix_e_rejected(bad: str) -> None:
    fields = producer_label().fields() | {"Label": bad}
    with pytest.raises(ValidationError):
        AigcLabel.from_fields(fields)


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("Minimax Agent AI", [" "]),
        ('say "hi"', [" ", '"']),
        ("a\\b", ["\\"]),
        ("字节跳动", ["字", "节", "跳", "动"]),
        ("tab\there", ["\t"]),
        ("ok-value_1.2:3", []),
    ],
)
def test_charset_violations(value: str, bad: list[str]) -> None:
    assert charset_violations(value) == bad


@pytest.mark.parametrize("field", ["ContentProducer", "ProduceID", "ReservedCode1", "PropagateID"])
def test_writing_rejects_values_outside_charset(field: str) -> None:
    fields = producer_label().fields() | {field: "has space"}
    with pytest.raises(ValidationError, match="Appendix E j"):
        AigcLabel.from_fields(fields)


@given(producer=j_text, produce_id=j_text, reserved=st.text(alphabet=J_CHARS, max_size=60))
def test_json_round_trip(producer: str, produce_id: str, reserved: str) -> None:
    label = AigcLabel.first_write(producer, produce_id, reserved_code1=reserved)
    text = label.to_json()
    assert "\\" not in text  # no escapes are ever needed within the j) set
    assert AigcLabel.from_fields(json.loads(text)) == label


def test_shipped_exiftool_config_defines_the_tc260_namespace() -> None:
    from hegui.labeling import exiftool_config

    text = exiftool_config()
    assert "'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/'" in text
    assert "'Image::ExifTool::QuickTime::Keys' => { AIGC => { } }" in text
