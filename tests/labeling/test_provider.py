from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from hegui.labeling import ProviderCode, ServiceType, check_provider_code, make_provider_code

from .conftest import PRODUCER, PRODUCER_USCC


@pytest.mark.parametrize(
    ("code", "uscc_part", "service", "app"),
    [
        # Values observed in the wild (standards.md §2.3), decomposed per the coding guide.
        ("001191110102MACQD9K64010000", "91110102MACQD9K640", "1", "0000"),
        ("001191440300708461136T1XGW3", "91440300708461136T", "1", "XGW3"),
        ("001191110102MAD55U9H0F10002", "91110102MAD55U9H0F", "1", "0002"),
        (PRODUCER, PRODUCER_USCC, "1", "A001"),
    ],
)
def test_valid_codes(code: str, uscc_part: str, service: str, app: str) -> None:
    result = check_provider_code(code)
    assert isinstance(result, ProviderCode)
    assert (result.subject_id, result.service_type.value, result.app_code) == (
        uscc_part,
        service,
        app,
    )
    assert result.uscc_verified


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("001191440300708461136T1XGW", "26 characters"),
        ("001191440300708461136t1XGW3", "upper-case"),
        ("011191440300708461136T1XGW3", "format code is '00'"),
        ("001191440300708461136X1XGW3", "wrong check character; expected 'T'"),
        ("00119144030070846113IT1XGW3", "not a valid Unified Social Credit Code"),
        ("002191440300708461136T1XGW3", "organisation form"),
        ("001191440300708461136T3XGW3", "service type (position 23) is '3'"),
        ("001191440300708461136T0XGW3", "not '00000'"),
    ],
)
def test_invalid_codes_name_the_problem(code: str, needle: str) -> None:
    result = check_provider_code(code)
    assert isinstance(result, list)
    assert any(needle in p for p in result), result


def test_non_organisation_subject_allowed_when_not_strict() -> None:
    code = "002191440300708461136T1XGW3"
    result = check_provider_code(code, strict_subject=False)
    assert isinstance(result, ProviderCode)
    assert not result.uscc_verified


body = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9)


@given(region=st.integers(0, 999999), org=body)
def test_make_and_check_round_trip(region: int, org: str) -> None:
    body17 = f"91{region:06d}{org}"
    code = make_provider_code(
        body17 + uscc.calc_check_digit(body17), ServiceType.DISTRIBUTION, "0001"
    )
    result = check_provider_code(code)
    assert isinstance(result, ProviderCode)
    assert result.service_type is ServiceType.DISTRIBUTION


@given(region=st.integers(0, 999999), org=body, pos=st.integers(0, 17), data=st.data())
def test_any_single_character_change_in_uscc_is_caught(
    region: int, org: str, pos: int, data: st.DataObject
) -> None:
    body17 = f"91{region:06d}{org}"
    good = body17 + uscc.calc_check_digit(body17)
    alphabet = "0123456789" if pos < 8 else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    new = data.draw(st.sampled_from([c for c in alphabet if c != good[pos]]))
    bad = good[:pos] + new + good[pos + 1 :]
    assert isinstance(check_provider_code("0011" + bad + "10000"), list)
