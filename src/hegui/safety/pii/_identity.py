"""Identity documents: resident ID (GB 11643), passports, travel permits."""

from __future__ import annotations

import datetime as dt
import re

from hegui.safety._plugins import recognizer
from hegui.safety.pii._base import PatternRecognizer

__all__ = [
    "HkMacauPermitRecognizer",
    "PassportRecognizer",
    "ResidentIdRecognizer",
    "TaiwanPermitRecognizer",
]

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"


def ric_valid(value: str) -> bool:
    """GB 11643 resident ID check (python-stdnum ``cn.ric``), never raising on user text.

    python-stdnum 2.2 raises ``KeyError: 'county'`` for some region codes present in its
    database without county data (e.g. ``119652199001019613``) instead of returning False.
    """
    from stdnum.cn import ric

    try:
        return bool(ric.is_valid(value))
    except KeyError:
        return False


def _legacy_id_valid(value: str) -> bool:
    """15-digit IDs (before 1999): region, then YYMMDD of a 19xx birth date, no check digit."""
    if value[0] not in "12345678":
        return False
    try:
        dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return True


@recognizer("cn_resident_id")
class ResidentIdRecognizer(PatternRecognizer):
    """Resident identity numbers (GB 11643).

    Resident identity numbers: 18 digits with the GB 11643 check digit, a real birth date and
    a known region code (python-stdnum ``cn.ric``); 15-digit legacy numbers with a real date.
    """

    id = "cn_resident_id"
    pattern = re.compile(_NOT_ALNUM_BEFORE + r"(?:\d{17}[\dXx]|\d{15})" + _NOT_ALNUM_AFTER)
    max_span = 18
    min_run = 15  # legacy 15-digit numbers

    def validate(self, value: str) -> bool:
        """GB 11643 check digit, birth date and region (18 digits); date (15 digits)."""
        if len(value) == 15:
            return _legacy_id_valid(value)
        return ric_valid(value.upper())


@recognizer("cn_passport")
class PassportRecognizer(PatternRecognizer):
    """PRC passport numbers, near a passport word.

    PRC passports (E + 8 digits, E + letter + 7 digits; older G/P/S/D series), near a word
    like 护照: the format has no check digit, so context is what separates it from a part number.
    """

    id = "cn_passport"
    pattern = re.compile(
        _NOT_ALNUM_BEFORE + r"(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[PSD]E?\d{7})" + _NOT_ALNUM_AFTER
    )
    max_span = 9
    min_run = 8  # P/S/D + 7 digits
    context = ("护照", "passport", "证件号")


@recognizer("hk_macau_permit")
class HkMacauPermitRecognizer(PatternRecognizer):
    """Hong Kong / Macau travel permits, near a permit word.

    Travel permits between the mainland and Hong Kong / Macau: 往来港澳通行证 (C + 8 digits,
    C + letter + 7 digits) and 港澳居民来往内地通行证 (H/M + 8 or 10 digits), near a permit word.
    """

    id = "hk_macau_permit"
    pattern = re.compile(
        _NOT_ALNUM_BEFORE + r"(?:C\d{8}|C[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)" + _NOT_ALNUM_AFTER
    )
    max_span = 11
    min_run = 9
    context = ("通行证", "回乡证", "港澳", "permit")


@recognizer("taiwan_permit")
class TaiwanPermitRecognizer(PatternRecognizer):
    """Taiwan travel permits, near a permit word.

    台湾居民来往大陆通行证 (8 digits, or 10 with a trailing letter group) and
    大陆居民往来台湾通行证 (T + 8 digits), near a permit word.
    """

    id = "taiwan_permit"
    pattern = re.compile(_NOT_ALNUM_BEFORE + r"(?:T\d{8}|\d{8}(?:\d{2})?)" + _NOT_ALNUM_AFTER)
    max_span = 10
    min_run = 8
    context = ("台胞证", "通行证", "台湾", "permit")
