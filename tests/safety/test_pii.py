from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from hegui.safety import MaskOperatorName, apply_mask, recognizer_ids, recognizers
from hegui.safety.pii._identity import ric_valid

CASES = [
    # (recognizer, text, expected matched substrings)
    ("cn_resident_id", "身份证11010519491231002X。", ["11010519491231002X"]),
    ("cn_resident_id", "身份证110105194912310021。", []),  # wrong check digit
    ("cn_resident_id", "身份证110105194902300025", []),  # 30 February
    ("cn_resident_id", "老身份证110105491231002号", ["110105491231002"]),  # 15-digit legacy
    ("cn_resident_id", "编号1101054912310021234", []),  # too long: not an ID
    ("cn_mobile", "电话13812345678", ["13812345678"]),
    ("cn_mobile", "电话 +86 138-1234-5678 谢谢", ["+86 138-1234-5678"]),
    ("cn_mobile", "0086 139 1234 5678", ["0086 139 1234 5678"]),
    ("cn_mobile", "12345678901", []),  # 12x is not a mobile segment
    ("cn_mobile", "15412345678", []),  # 154 is unassigned
    ("cn_mobile", "订单138123456789", []),  # 12 digits
    ("bank_card", "卡号6222021234567890128", ["6222021234567890128"]),
    ("bank_card", "卡号 6222 0212 3456 7890 128", ["6222 0212 3456 7890 128"]),
    ("bank_card", "卡号6222021234567890127", []),  # Luhn fails
    ("bank_card", "身份证11010519491231002X", []),
    ("cn_uscc", "统一社会信用代码91110000600037341L", ["91110000600037341L"]),
    ("cn_uscc", "代码91110000600037341X", []),
    ("cn_passport", "护照号码E12345678", ["E12345678"]),
    ("cn_passport", "零件号E12345678", []),  # no context word
    ("hk_macau_permit", "港澳通行证C12345678", ["C12345678"]),
    ("hk_macau_permit", "回乡证H1234567801", ["H1234567801"]),
    ("taiwan_permit", "台胞证号12345678", ["12345678"]),
    ("email", "邮箱a.b@example.com谢谢", ["a.b@example.com"]),
    ("email", "a..b@example.com", []),
    ("ip_address", "服务器192.168.1.1和2001:db8::1", ["192.168.1.1", "2001:db8::1"]),
    ("ip_address", "版本999.1.1.1", []),
    ("ip_address", "时间12:30:45", []),
    ("cn_vehicle_plate", "车牌京A·12345，粤BD12345", ["京A·12345", "粤BD12345"]),
    ("cn_vehicle_plate", "沪A12345F大车", ["沪A12345F"]),
    ("cn_vehicle_plate", "京I12345", []),  # no I on plates
    # python-stdnum 2.2 raised KeyError('county') on this region code instead of rejecting it.
    ("cn_resident_id", "号码119652199001019613", []),
    ("bank_card", "卡号119652199001019613", []),
]


@pytest.mark.parametrize(("rid", "text", "expected"), CASES)
def test_recognizers_validate(rid: str, text: str, expected: list[str]) -> None:
    (rec,) = recognizers([rid])
    found = list(rec.analyze(text))
    assert [text[f.start : f.end] for f in found] == expected
    for f in found:
        assert f.risk == f"pii.{rid}" and f.source == f"hegui/{rid}" and f.term is None


def test_every_builtin_has_a_case() -> None:
    assert {c[0] for c in CASES} == set(recognizer_ids())


@settings(max_examples=200)
@given(st.integers(0, 999), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 1, 1)))
def test_resident_id_check_digit(seq: int, born: dt.date) -> None:
    body = f"110105{born:%Y%m%d}{seq:03d}"
    good = body + ric.calc_check_digit(body + "0")
    (rec,) = recognizers(["cn_resident_id"])
    assert [f.end - f.start for f in rec.analyze(f"号{good}号")] == [18]
    bad = body + ("0" if good[-1] != "0" else "1")
    assert list(rec.analyze(f"号{bad}号")) == []


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=14, max_size=17))
def test_bank_card_luhn(body: str) -> None:
    number = "6" + body  # 15-18 digits, plus the check digit: 16-19
    good = number + luhn.calc_check_digit(number)
    (rec,) = recognizers(["bank_card"])
    hits = [good[f.start : f.end] for f in rec.analyze(good)]
    if not (len(good) == 18 and ric_valid(good)):
        assert hits == [good]
    wrong = number + str((int(luhn.calc_check_digit(number)) + 1) % 10)
    assert list(rec.analyze(wrong)) == []


@settings(max_examples=200)
@given(st.text(max_size=60), st.sampled_from(list(MaskOperatorName)))
def test_masking_is_idempotent_and_keeps_the_rest(text: str, op: MaskOperatorName) -> None:
    pii_text = text + " 13812345678 " + text
    findings = [f for r in recognizers() for f in r.analyze(pii_text)]
    once = apply_mask(pii_text, findings, op)
    assert "13812345678" not in once
    assert once.startswith(text[: min(f.start for f in findings)])
    if op is MaskOperatorName.MASK:
        assert len(once) == len(pii_text)
        again = apply_mask(once, findings, op)
        assert again == once


def test_screener_masks_pii_in_output_by_default() -> None:
    from hegui.safety import Action, Screener

    verdict = Screener().screen("请联系13812345678或a@b.cn", "output")
    assert verdict.action is Action.MASK
    assert verdict.masked == "请联系***********或******"
    assert {f.risk for f in verdict.findings} == {"pii.cn_mobile", "pii.email"}
