"""Numbers: mainland mobiles, bank cards (Luhn), unified social credit codes (GB 32100)."""

from __future__ import annotations

import re

from hegui.safety._plugins import recognizer
from hegui.safety.pii._base import PatternRecognizer
from hegui.safety.pii._identity import ric_valid

__all__ = ["BankCardRecognizer", "MobileRecognizer", "SocialCreditCodeRecognizer"]

# Mobile number segments in use (MIIT numbering plan): 13x, 14[5-9], 15x except 154, 16[2567],
# 17[0-8], 18x, 19x.
_MOBILE_PREFIX = re.compile(r"^1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9\d)")


@recognizer("cn_mobile")
class MobileRecognizer(PatternRecognizer):
    """Mainland mobile numbers.

    Mainland mobile numbers: 11 digits in an assigned segment, optional +86/0086, spaces or
    dashes between the 3-4-4 groups.
    """

    id = "cn_mobile"
    pattern = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
    max_span = 20
    min_run = 11

    def validate(self, value: str) -> bool:
        """The number falls in an assigned mobile segment."""
        digits = re.sub(r"\D", "", value)
        if digits.startswith("0086"):
            digits = digits[4:]
        elif digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        return len(digits) == 11 and bool(_MOBILE_PREFIX.match(digits))


@recognizer("bank_card")
class BankCardRecognizer(PatternRecognizer):
    """Bank card numbers (Luhn).

    Bank card numbers: 16–19 digits (groups of four may be separated) passing the Luhn check
    (python-stdnum), and not a valid resident ID (18 digits pass Luhn one time in ten).
    """

    id = "bank_card"
    pattern = re.compile(r"(?<![\dA-Za-z])\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?![\dA-Za-z])")
    max_span = 23
    min_run = 16

    def validate(self, value: str) -> bool:
        """Luhn check digit, and not a resident ID."""
        from stdnum import luhn

        digits = re.sub(r"\D", "", value)
        if not 16 <= len(digits) <= 19:
            return False
        if len(digits) == 18 and ric_valid(digits):
            return False
        return bool(luhn.is_valid(digits))


@recognizer("cn_uscc")
class SocialCreditCodeRecognizer(PatternRecognizer):
    """Unified social credit codes (GB 32100).

    Unified social credit codes: 18 characters with the GB 32100-2015 check character
    (python-stdnum ``cn.uscc``).
    """

    id = "cn_uscc"
    pattern = re.compile(
        r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"
    )
    max_span = 18
    min_run = 18

    def validate(self, value: str) -> bool:
        """GB 32100 check character; an all-digit value that is a resident ID is not a USCC."""
        from stdnum.cn import uscc

        if value.isdigit() and ric_valid(value):
            return False
        return bool(uscc.is_valid(value))
