"""``hegui.gateway``'s public API is exactly its ``__all__`` (a change is a decision)."""

from __future__ import annotations

import hegui.gateway

API = {
    "CHECK",
    "FailMode",
    "GatewayError",
    "GatewaySettings",
    "KeepForm",
    "Outcome",
    "RefusalStyle",
    "SETTINGS_FILE",
    "Site",
    "TextLabelPlace",
    "UpstreamSettings",
    "config_evidence",
    "create_app",
    "find_site",
    "load_settings",
    "open_site",
    "record_config_evidence",
    "resolve_store_url",
    "serve",
}


def test_all_is_exactly_the_api() -> None:
    assert set(hegui.gateway.__all__) == API
    assert len(hegui.gateway.__all__) == len(API)
    for name in hegui.gateway.__all__:
        assert hasattr(hegui.gateway, name), name
