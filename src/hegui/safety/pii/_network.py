"""Network and vehicle identifiers: email, IPv4/IPv6, licence plates."""

from __future__ import annotations

import ipaddress
import re

from hegui.safety._plugins import recognizer
from hegui.safety.pii._base import PatternRecognizer

__all__ = ["EmailRecognizer", "IpAddressRecognizer", "VehiclePlateRecognizer"]


@recognizer("email")
class EmailRecognizer(PatternRecognizer):
    """E-mail addresses with a dotted domain and an alphabetic top-level domain."""

    id = "email"
    pattern = re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}"
        r"(?![A-Za-z0-9-])"
    )
    max_span = 160
    min_run = 6  # a@b.cn
    anchors = "@"

    def validate(self, value: str) -> bool:
        """No empty or dotted-edge local part, no double dots."""
        local = value.split("@", 1)[0]
        return not (local.startswith(".") or local.endswith(".") or ".." in value)


@recognizer("ip_address")
class IpAddressRecognizer(PatternRecognizer):
    """IPv4 and IPv6 addresses, validated by the standard library's ``ipaddress``."""

    id = "ip_address"
    pattern = re.compile(
        r"(?<![A-Za-z0-9.:])"
        r"(?:(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})"
        r"(?![A-Za-z0-9.:])"
    )
    max_span = 39
    min_run = 2  # '::' (a candidate validate() rejects, which still counts)
    anchors = ".:"

    def validate(self, value: str) -> bool:
        """A parseable address; ``::``-only and loopback-free shapes are still addresses."""
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return False
        return value.count(":") != 2 or len(value) > 2


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"  # plate letters never use I or O


@recognizer("cn_vehicle_plate")
class VehiclePlateRecognizer(PatternRecognizer):
    """Mainland licence plates, new-energy ones included.

    Mainland licence plates (GA 36): province, issuing-office letter, then five characters, or
    six for new-energy vehicles (D/F first for small, last for large); 挂学警港澳 endings.
    """

    id = "cn_vehicle_plate"
    pattern = re.compile(
        rf"[{_PROVINCES}][{_L}][·• ]?"
        rf"(?:[DF][{_L}0-9]\d{{4}}|\d{{5}}[DF]|[{_L}0-9]{{4}}[挂学警港澳]|[{_L}0-9]{{5}})"
        r"(?![0-9A-Za-z])"
    )
    max_span = 10
    min_run = 5  # office letter + 4, between the province and 挂学警港澳

    def validate(self, value: str) -> bool:
        """A regular plate has at most two letters after the office letter (GA 36 issue rules)."""
        tail = re.sub(r"[·• ]", "", value)[2:]
        if len(tail) == 6:
            return True
        return sum(c.isalpha() and c.isascii() for c in tail) <= 3
