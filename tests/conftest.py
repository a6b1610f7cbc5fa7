"""Suite-wide fixtures: a clean environment (no user setting leaks into a test), a model server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers.model_server import ModelServer

# Property tests here mostly do I/O (temporary files, spreadsheets, media carriers): on a loaded
# CI machine one example can take seconds, and a per-example deadline then fails a correct test
# (it did once: test_csv_round_trip_any_text). The suite's time limit is CI's; examples have none.
settings.register_profile(
    "hegui", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("hegui")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden tests should rewrite their files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("HEGUI_") and key not in {
            "HEGUI_REQUIRE_PEERS",
            "HEGUI_REQUIRE_POSTGRES",
            "HEGUI_TEST_POSTGRES_URL",
        }:
            monkeypatch.delenv(key)
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def server() -> Iterator[ModelServer]:
    """A local OpenAI-compatible chat endpoint; tests set ``server.script``."""
    with ModelServer() as srv:
        yield srv
