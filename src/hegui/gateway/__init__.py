"""The gateway: an OpenAI-compatible proxy that enforces the runtime duties.

Requests to ``/v1/chat/completions`` (streamed or not), ``/v1/completions``, ``/v1/models`` and
``/v1/images/generations`` are authenticated (API keys per tenant, rate limits), screened before
the upstream sees them (refuse, or mask), routed by model to an OpenAI-compatible upstream,
screened again on the way back (a stream through the stream screener, which never releases what
it still holds after a block), labeled (GB 45438), and recorded: the response is complete only
once its audit record is committed. Users who keep sending refused inputs are warned, then
suspended; ``/v1/complaints`` takes complaints with a time limit (GAI Art. 15).

Example:
    >>> from hegui.gateway import GatewaySettings
    >>> s = GatewaySettings.model_validate(
    ...     {"upstreams": [{"name": "local", "base_url": "http://127.0.0.1:8001/v1",
    ...                     "models": ["qwen3"]}], "labeling": {"implicit": False}})
    >>> s.upstream_for("qwen3").name
    'local'
"""

from hegui.gateway._app import create_app
from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._evidence import CHECK, config_evidence, record_config_evidence
from hegui.gateway._serve import serve
from hegui.gateway._settings import (
    FailMode,
    GatewaySettings,
    KeepForm,
    RefusalStyle,
    TextLabelPlace,
    UpstreamSettings,
    load_settings,
)
from hegui.gateway._site import SETTINGS_FILE, Site, find_site, open_site, resolve_store_url

__all__ = [
    "CHECK",
    "SETTINGS_FILE",
    "FailMode",
    "GatewayError",
    "GatewaySettings",
    "KeepForm",
    "Outcome",
    "RefusalStyle",
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
]
