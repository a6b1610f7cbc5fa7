"""Built-in PII recognizers, each validating what it matches; importing registers them.

| id | finds | validation |
|---|---|---|
| ``cn_resident_id`` | resident identity numbers | GB 11643 check digit, date, region (stdnum) |
| ``cn_mobile`` | mainland mobile numbers | assigned segment |
| ``bank_card`` | bank cards | Luhn (python-stdnum), 16–19 digits |
| ``cn_uscc`` | unified social credit codes | GB 32100 check character (python-stdnum) |
| ``cn_passport`` | PRC passports | format + context word |
| ``hk_macau_permit`` | Hong Kong / Macau travel permits | format + context word |
| ``taiwan_permit`` | Taiwan travel permits | format + context word |
| ``email`` | e-mail addresses | domain shape |
| ``ip_address`` | IPv4 / IPv6 | ``ipaddress`` |
| ``cn_vehicle_plate`` | licence plates incl. new-energy | GA 36 shapes |
"""

from hegui.safety.pii._base import PatternRecognizer
from hegui.safety.pii._identity import (
    HkMacauPermitRecognizer,
    PassportRecognizer,
    ResidentIdRecognizer,
    TaiwanPermitRecognizer,
)
from hegui.safety.pii._network import (
    EmailRecognizer,
    IpAddressRecognizer,
    VehiclePlateRecognizer,
)
from hegui.safety.pii._numbers import (
    BankCardRecognizer,
    MobileRecognizer,
    SocialCreditCodeRecognizer,
)

__all__ = [
    "BankCardRecognizer",
    "EmailRecognizer",
    "HkMacauPermitRecognizer",
    "IpAddressRecognizer",
    "MobileRecognizer",
    "PassportRecognizer",
    "PatternRecognizer",
    "ResidentIdRecognizer",
    "SocialCreditCodeRecognizer",
    "TaiwanPermitRecognizer",
    "VehiclePlateRecognizer",
]
