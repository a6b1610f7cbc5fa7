"""Service-provider codes (服务提供者编码) per the TC260 coding guide 网安秘字〔2025〕29号.

Structure (``standards.md`` §2.3, grade B/C; confidence S): 27 characters, digits and upper-case
letters.

* positions 1–2: format code, fixed ``00``;
* positions 3–22: subject code. Organisations: subject type ``1``, binding method ``1`` (bound to
  the Unified Social Credit Code), then the 18-character USCC (GB 32100, check character last);
* positions 23–27: service extension code, ``00000`` when unused; else position 23 is the service
  type (``1`` generation, ``2`` distribution) and 24–27 a model or app code the provider chooses.

Only the organisation form is specified in hegui's reference. Other subject types are accepted
structurally when ``strict_subject=False`` and reported as unverifiable (UNCONFIRMED).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from hegui.errors import InputError

__all__ = [
    "CodePart",
    "ProviderCode",
    "ServiceType",
    "check_provider_code",
    "describe_provider_code",
    "looks_like_provider_code",
    "make_provider_code",
]

_SHAPE: Final = re.compile(r"[0-9A-Z]{27}")


class ServiceType(StrEnum):
    """Position 23 of the code."""

    UNUSED = "0"
    """The extension is ``00000``."""
    GENERATION = "1"
    """生成合成服务 (a producer)."""
    DISTRIBUTION = "2"
    """内容传播服务 (a platform)."""


@dataclass(frozen=True, slots=True)
class CodePart:
    """One part of a provider code, explained."""

    positions: str
    """1-based positions, e.g. ``5-22``."""
    value: str
    meaning_zh: str
    meaning_en: str


@dataclass(frozen=True, slots=True)
class ProviderCode:
    """A structurally valid provider code, split into its parts."""

    code: str
    subject_type: str
    """Position 3 (``1`` = organisation)."""
    binding: str
    """Position 4 (``1`` = bound to the USCC)."""
    subject_id: str
    """Positions 5–22: the USCC for the organisation form."""
    service_type: ServiceType
    app_code: str
    """Positions 24–27."""
    uscc_verified: bool
    """True when the subject is the organisation form and its USCC check character is right."""

    def parts(self) -> tuple[CodePart, ...]:
        """The code split into its parts, each with its meaning (TC260 coding guide)."""
        organisation = self.subject_type == "1" and self.binding == "1"
        service = {
            ServiceType.GENERATION: ("生成合成服务", "generation service (a producer)"),
            ServiceType.DISTRIBUTION: ("内容传播服务", "distribution service (a platform)"),
            ServiceType.UNUSED: ("未使用扩展码", "extension unused"),
        }[self.service_type]
        checked = "校验位正确" if self.uscc_verified else "未校验"
        return (
            CodePart("1-2", self.code[:2], "格式码（固定 00）", "format code (fixed 00)"),
            CodePart(
                "3",
                self.subject_type,
                "主体类型：组织" if self.subject_type == "1" else "主体类型（未确认）",
                "subject type: organisation"
                if self.subject_type == "1"
                else "subject type (UNCONFIRMED)",
            ),
            CodePart(
                "4",
                self.binding,
                "绑定方式：统一社会信用代码" if organisation else "绑定方式（未确认）",
                "bound to the Unified Social Credit Code"
                if organisation
                else "binding method (UNCONFIRMED)",
            ),
            CodePart(
                "5-22",
                self.subject_id,
                f"统一社会信用代码（GB 32100，{checked}）" if organisation else "主体标识",
                "Unified Social Credit Code (GB 32100, check character "
                + ("verified)" if self.uscc_verified else "not checked)")
                if organisation
                else "subject id",
            ),
            CodePart("23", self.service_type.value, *service),
            CodePart(
                "24-27",
                self.app_code,
                "模型或应用编码（提供者自定）",
                "model or app code (chosen by the provider)",
            ),
        )


def looks_like_provider_code(value: str) -> bool:
    """True if ``value`` has the shape of a code (27 of [0-9A-Z], starting ``00``)."""
    return bool(_SHAPE.fullmatch(value)) and value.startswith("00")


def check_provider_code(value: str, *, strict_subject: bool = True) -> ProviderCode | list[str]:
    """Validate ``value`` as a provider code.

    Args:
        value: The candidate code.
        strict_subject: Reject subject forms other than organisation + USCC, which hegui cannot
            verify.

    Returns:
        The parsed code, or the list of problems (each names the position and the fix).
    """
    from stdnum.cn import uscc

    problems: list[str] = []
    if len(value) != 27:
        problems.append(
            f"provider code {value!r} has {len(value)} characters; the TC260 coding guide wants 27"
        )
        return problems
    if not _SHAPE.fullmatch(value):
        bad = sorted({c for c in value if not ("0" <= c <= "9" or "A" <= c <= "Z")})
        problems.append(
            f"provider code {value!r} contains {bad}; "
            "only digits and upper-case letters are allowed"
        )
        return problems
    if value[:2] != "00":
        problems.append(
            f"provider code {value!r}: positions 1-2 are {value[:2]!r}; the format code is '00'"
        )
    subject_type, binding, subject_id = value[2], value[3], value[4:22]
    verified = False
    if subject_type == "1" and binding == "1":
        try:
            # stdnum's validate() also upper-cases and strips; the shape check above already
            # guarantees canonical form, so what it checks here is GB 32100's check character.
            uscc.validate(subject_id)
            verified = True
        except uscc.InvalidChecksum:
            problems.append(
                f"provider code {value!r}: the Unified Social Credit Code {subject_id!r} "
                f"(positions 5-22) has a wrong check character; expected "
                f"{uscc.calc_check_digit(subject_id[:17])!r} at position 22"
            )
        except uscc.ValidationError as exc:
            problems.append(
                f"provider code {value!r}: positions 5-22 {subject_id!r} are not a valid "
                f"Unified Social Credit Code ({exc})"
            )
    elif strict_subject:
        problems.append(
            f"provider code {value!r}: subject type {subject_type!r} / binding {binding!r} "
            "(positions 3-4) is not the organisation form '11' + USCC, the only form hegui can "
            "verify; other forms are UNCONFIRMED in hegui's reference"
        )
    extension = value[22:]
    if extension[0] not in {s.value for s in ServiceType}:
        problems.append(
            f"provider code {value!r}: service type (position 23) is {extension[0]!r}; "
            "use '1' (generation), '2' (distribution) or extension '00000'"
        )
    elif extension[0] == "0" and extension != "00000":
        problems.append(
            f"provider code {value!r}: extension {extension!r} starts with '0' but is not '00000'"
        )
    if problems:
        return problems
    return ProviderCode(
        code=value,
        subject_type=subject_type,
        binding=binding,
        subject_id=subject_id,
        service_type=ServiceType(extension[0]),
        app_code=extension[1:],
        uscc_verified=verified,
    )


def make_provider_code(
    uscc_code: str, service_type: ServiceType = ServiceType.GENERATION, app_code: str = "0000"
) -> str:
    """Compose an organisation's code from its USCC (validated) and extension.

    Raises:
        InputError: The USCC or the extension is invalid (the message says which position).
    """
    if service_type is not ServiceType.UNUSED and not re.fullmatch(r"[0-9A-Z]{4}", app_code):
        raise InputError(
            f"app code {app_code!r}: positions 24-27 are 4 digits or upper-case letters"
        )
    ext = "00000" if service_type is ServiceType.UNUSED else service_type.value + app_code
    code = "0011" + uscc_code.strip().upper() + ext
    result = check_provider_code(code)
    if isinstance(result, list):
        raise InputError("; ".join(result))
    return code


def describe_provider_code(value: str) -> ProviderCode:
    """``value`` parsed into its parts (see :meth:`ProviderCode.parts`).

    Raises:
        InputError: The code is malformed; the message names each position at fault.
    """
    result = check_provider_code(value)
    if isinstance(result, list):
        raise InputError("; ".join(result))
    return result
