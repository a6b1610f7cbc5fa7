"""The windowed PII scan finds exactly what a whole-text scan finds.

The reference here is the spec: ``pattern.finditer`` over the whole text, then the same
context and validation as ``PatternRecognizer.analyze``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from hegui.safety import Finding, Screener, recognizers
from hegui.safety.pii import PatternRecognizer
from hegui.safety.pii._base import near
from hegui.safety.pii._windows import RUN_CLASS, runs, windows

BUILTINS = [r for r in recognizers() if isinstance(r, PatternRecognizer)]


def whole_text_scan(rec: PatternRecognizer, text: str) -> list[tuple[int, int]]:
    """Spans of the validated findings of a whole-text scan."""
    return [
        m.span()
        for m in rec.pattern.finditer(text)
        if (not rec.context or near(text, *m.span(), rec.context)) and rec.validate(m[0])
    ]


def analyzed(rec: PatternRecognizer, text: str) -> list[tuple[int, int]]:
    found = list(rec.analyze(text))
    assert {(f.risk, f.term, f.source, f.severity) for f in found} <= {
        (rec.kind, None, f"hegui/{rec.id}", rec.severity)
    }
    return [(f.start, f.end) for f in found]


def windowed_candidates(rec: PatternRecognizer, text: str) -> list[tuple[int, int]]:
    return [
        m.span()
        for pos, endpos in windows(text, rec.min_run, rec.anchors)
        for m in rec.pattern.finditer(text, pos, endpos)
    ]


# --- text rich in the patterns' pieces -------------------------------------------------------

PIECES = [
    *"0123456789" * 3,
    *"XxECHMTPSDGFABZKLWYafbcdez",
    *"@.-+:_%·• ",
    *"京沪粤川宁",  # plate provinces
    *"挂学警港澳",  # plate endings
    *"的号码是年",
    *"０１２３８９",  # full-width digits: \d matches them
    "٣",  # ARABIC-INDIC DIGIT THREE, also \d
    "\U0001d7d9",  # MATHEMATICAL DOUBLE-STRUCK DIGIT ONE, \d outside the BMP
    *"\n\t，。",
    *("护照", "通行证", "台胞证", "permit"),
    *("138", "0086", "+86", "86", "::", "2001:db8", "192.168.", "110105", "@example.com", "9111"),
]
noise = st.one_of(
    st.sampled_from(PIECES),
    st.text(alphabet="0123456789", min_size=1, max_size=20),
    st.text(max_size=3),
)


def _id(born: dt.date, seq: int) -> str:
    body = f"110105{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _card(digits: str, grouped: bool) -> str:
    number = "6" + digits
    full = number + luhn.calc_check_digit(number)
    return " ".join(full[i : i + 4] for i in range(0, len(full), 4)) if grouped else full


def _mobile(prefix: str, rest: str, lead: str, sep: str) -> str:
    return f"{lead}{prefix}{sep}{rest[:4]}{sep}{rest[4:]}"


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 1, 1))
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
real_values = st.one_of(
    st.builds(_id, dates, st.integers(0, 999)),
    st.builds(lambda d: f"110105{d:%y%m%d}001", dates),  # legacy 15 digits
    st.builds(
        _mobile,
        st.sampled_from(["138", "159", "186", "199", "170", "154", "123"]),
        st.text(alphabet="0123456789", min_size=8, max_size=8),
        st.sampled_from(["", "+86", "+86 ", "0086-", "86"]),
        st.sampled_from(["", " ", "-"]),
    ),
    st.builds(_card, st.text(alphabet="0123456789", min_size=14, max_size=17), st.booleans()),
    st.builds(
        lambda body: body + uscc.calc_check_digit(body),
        st.builds(
            lambda head, region, org: head + region + org,
            st.sampled_from(["91", "92", "11", "Y1"]),
            st.text(alphabet="0123456789", min_size=6, max_size=6),
            st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
        ),
    ),
    st.builds(
        lambda local, dom, tld: f"{local}@{dom}.{tld}",
        st.from_regex(r"[A-Za-z0-9._%+-]{1,12}", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9-]{1,10}(\.[A-Za-z0-9-]{1,10}){0,2}", fullmatch=True),
        st.from_regex(r"[A-Za-z]{1,5}", fullmatch=True),
    ),
    st.emails().map(str),
    st.ip_addresses().map(str),
    st.sampled_from(["::1", "::", "1::", "fe80::1%eth0", "256.1.1.1", "1.2.3.4.5"]),
    st.builds(
        lambda prov, office, sep, tail: prov + office + sep + tail,
        st.sampled_from("京沪粤川藏"),
        st.sampled_from("ABCDFIO"),
        st.sampled_from(["", "·", "•", " "]),
        st.one_of(
            st.from_regex(r"[A-HJ-NP-Z0-9]{4,6}", fullmatch=True),
            st.from_regex(r"[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]", fullmatch=True),
            st.from_regex(r"[A-HJ-NP-Z0-9]{4}[挂学警港澳]", fullmatch=True),
        ),
    ),
    st.builds(
        lambda word, value: word + value,
        st.sampled_from(["护照", "通行证", "台胞证", "港澳", "", "permit "]),
        st.from_regex(r"[EGCHMTPSD]E?[A-HJ-NP-Z]?\d{7,10}", fullmatch=True),
    ),
)
texts = st.lists(st.one_of(noise, real_values), max_size=14).map("".join)


@settings(max_examples=400)
@given(texts)
@example("京A12345")  # a plate at the very start: the window cannot reach before it
@example("京A1234挂")  # ... and whose ending is the text's last character
@example("粤B·12345号13812345678")  # a one-character gap between two windows
@example("11010519491231002X13812345678")  # values touching: neither is a match
@example("::1::")  # colons only, then a candidate validate() rejects
def test_windows_hold_every_whole_text_candidate(text: str) -> None:
    for rec in BUILTINS:
        assert windowed_candidates(rec, text) == [m.span() for m in rec.pattern.finditer(text)]


# One value per run character: each breaks a run in two if the run class leaves it out.
EVERY_RUN_CHARACTER = [
    "号a_b@cd.ef号",
    "号a%b@cd.ef号",
    "号a+b@cd.ef号",
    "号a-b@cd.ef号",
    "号a.b@cd.ef号",
    "号x@ab.cd号",
    "号138 1234 5678号",
    "号+8613812345678号",
    "号10.0.0.1号",
    "号fe80::1号",
    "京A·12345号",
    "京A•12345号",
    "京A 12345号",
    "号１１０１０５１９４９１２３１００２X号",  # full-width digits: candidates, never valid
    "号" + "٣" * 16 + "号",
    "号" + "\U0001d7d9" * 8 + "号",
]


@pytest.mark.parametrize("text", EVERY_RUN_CHARACTER)
def test_every_run_character_keeps_a_run_whole(text: str) -> None:
    expected = {rec.id: [m.span() for m in rec.pattern.finditer(text)] for rec in BUILTINS}
    assert any(expected.values())
    assert {rec.id: windowed_candidates(rec, text) for rec in BUILTINS} == expected


@settings(max_examples=400)
@given(texts)
def test_analyze_equals_the_whole_text_scan(text: str) -> None:
    for rec in BUILTINS:
        assert analyzed(rec, text) == whole_text_scan(rec, text), rec.id


@settings(max_examples=200)
@given(st.lists(real_values, min_size=1, max_size=4), st.lists(noise, max_size=4))
def test_real_values_are_found_as_by_the_whole_text_scan(
    values: list[str], gaps: list[str]
) -> None:
    text = "".join(v + (gaps[i] if i < len(gaps) else "") for i, v in enumerate(values))
    for rec in BUILTINS:
        assert analyzed(rec, text) == whole_text_scan(rec, text), rec.id


# python-stdnum's own check digits, in prose: the windowed scan must still see them.
FOUND = [
    ("cn_resident_id", f"身份证{_id(dt.date(1990, 1, 1), 123)}。"),
    ("cn_mobile", "电话 +86 138-1234-5678 谢谢"),
    ("bank_card", f"卡号{_card('22202123456789012', grouped=True)}"),
    ("cn_uscc", "统一社会信用代码91110000600037341L"),
    ("cn_passport", "护照号码E12345678"),
    ("hk_macau_permit", "回乡证H1234567801"),
    ("taiwan_permit", "台胞证号12345678"),
    ("email", "邮箱a@b.cn谢谢"),
    ("ip_address", "本机::1和2001:db8::1"),
    ("cn_vehicle_plate", "京A·12345，沪A1234挂"),
]


@pytest.mark.parametrize(("rid", "text"), FOUND)
def test_each_builtin_finds_in_prose_what_the_whole_text_scan_finds(rid: str, text: str) -> None:
    (rec,) = recognizers([rid])
    assert isinstance(rec, PatternRecognizer)
    found = analyzed(rec, text)
    assert found and found == whole_text_scan(rec, text)


def test_every_builtin_is_windowed_and_has_a_prose_case() -> None:
    assert {r.id for r in BUILTINS} == {r.id for r in recognizers()} == {c[0] for c in FOUND}
    assert all(r.min_run >= 2 for r in BUILTINS)


# Characters a match may hold outside a run: a plate's province and its 挂学警港澳 ending.
EDGES = {"cn_vehicle_plate": 2}


@pytest.mark.parametrize("rec", BUILTINS, ids=lambda r: r.id)
def test_min_run_is_the_shortest_match_less_its_edges(rec: PatternRecognizer) -> None:
    shortest, _ = re._parser.parse(rec.pattern.pattern, rec.pattern.flags).getwidth()
    assert rec.min_run == shortest - EDGES.get(rec.id, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("中文", ()),
        ("a", ()),  # one character is never a run
        ("号ab号", ((1, 3),)),
        ("京A·12345，粤B 1 2", ((1, 8), (10, 15))),
        ("１９９８年", ((0, 4),)),
    ],
)
def test_runs_are_maximal_and_at_least_two_long(
    text: str, expected: tuple[tuple[int, int], ...]
) -> None:
    assert runs(text) == expected


def test_the_scan_is_the_run_class_in_the_bmp_and_takes_every_character_beyond() -> None:
    every = [chr(c) for c in range(0x110000)]
    scanned = {(s + 1) // 3 for s, _ in runs("号".join(c + c for c in every))}
    run_class = re.compile(f"[{RUN_CLASS}]")
    assert scanned == {c for c in range(0x110000) if c > 0xFFFF or run_class.match(every[c])}


def test_windows_widen_and_merge_runs() -> None:
    text = "京A12345号ab12345678x甲乙丙丁13812345678"
    # Runs [1, 7), [8, 19), [23, 34) widen to [0, 9), [7, 21) (merged), [22, 34) (text end).
    assert list(windows(text, 5)) == [(0, 21), (22, 34)]
    assert list(windows(text, 11)) == [(7, 21), (22, 34)]
    assert list(windows(text[:-1] + "号京A12345", 5))[-1] == (
        22,
        41,
    )  # reaching into the next: merged
    anchored = "号abc号a@b.cn号号号号1.2号"
    assert list(windows(anchored, 2)) == [(0, 13), (14, 19)]
    assert list(windows(anchored, 2, "@.")) == [(4, 13), (14, 19)]  # abc holds neither
    with pytest.raises(ValueError, match="at least 2"):
        list(windows(text, 1))


class HanNameRecognizer(PatternRecognizer):
    """A pattern outside the windowing contract (Han characters only): scanned whole."""

    id = "test_han_name"
    pattern = re.compile(r"(?<=姓名)[\u4e00-\u9fff]{2,3}")
    max_span = 3


class DigitCounter:
    """A recognizer that is no PatternRecognizer at all."""

    id = "test_digits"
    kind = "pii.test_digits"
    max_span = 1

    def analyze(self, text: str) -> Iterator[Finding]:
        for i, c in enumerate(text):
            if c.isdigit():
                yield Finding(start=i, end=i + 1, risk=self.kind, term=None, source="test")


def test_other_recognizers_keep_working_beside_the_windowed_ones() -> None:
    text = "姓名张三，电话13812345678"
    screener = Screener(recognizers=[HanNameRecognizer(), DigitCounter(), *recognizers()])
    risks = [f.risk for f in screener.screen(text, "input").findings]
    assert risks.count("pii.test_han_name") == 1
    assert risks.count("pii.test_digits") == 11
    assert risks.count("pii.cn_mobile") == 1
