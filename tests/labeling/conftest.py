"""Shared fixtures for the labeling tests: provider codes and keys."""

from __future__ import annotations

from stdnum.cn import uscc

from hegui.labeling import AigcLabel


def make_uscc(body17: str) -> str:
    """A USCC with a correct GB 32100 check character."""
    return body17 + uscc.calc_check_digit(body17)


# Synthetic organisations (not real companies), valid check characters.
PRODUCER_USCC = make_uscc("91310000MA1FL0001")
PLATFORM_USCC = make_uscc("91110000MA00PLAT1")
PRODUCER = "0011" + PRODUCER_USCC + "1A001"
PLATFORM = "0011" + PLATFORM_USCC + "20001"


def producer_label(produce_id: str = "p-0001") -> AigcLabel:
    return AigcLabel.first_write(PRODUCER, produce_id)
