"""``/v1/images/generations``: screen the prompt, label every image before it leaves.

The gateway asks the upstream for the image bytes (``b64_json``) whatever the client asked,
labels each (GB 45438 implicit metadata; the explicit mark when configured), and returns them
as the client asked: ``b64_json``, or a ``data:`` URL in ``url`` (the gateway keeps no image
files to link to). An image that cannot be labeled is withheld unless labeling fails open.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response

from hegui.errors import HeguiError
from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._protocol import ImageRequest, parse_body
from hegui.gateway._response import error_response, json_response
from hegui.gateway._screening import Action, Direction
from hegui.gateway._service import Service
from hegui.gateway._settings import FailMode
from hegui.gateway._trail import Trail

__all__ = ["images"]

_log = logging.getLogger("hegui.gateway")


async def images(svc: Service, request: Request) -> Response:
    """``POST /v1/images/generations``: screen the prompt, label every image."""
    trail = Trail("/v1/images/generations")
    snap = svc.screening.current
    trail.versions(snap)
    try:
        caller = await svc.caller(request, trail)
        req, data = parse_body(await svc.body(request), ImageRequest)
        trail.model = req.model
        up = svc.upstreams.route(req.model)
        trail.upstream = up.name
        user = svc.users.identify(request.headers, req.user)
        trail.user_id = user
        svc.users.check(caller.tenant, user, trail.created_at)
        refused = await svc.screen_input(data, "image", snap, trail)
        if refused is not None:
            text = await svc.refusal(refused, caller, user, trail)
            exc = GatewayError(400, text, "content_policy_violation", outcome=Outcome.REFUSED_INPUT)
            trail.status = 400
            return await svc.finish(trail, snap, error_response(exc, trail.id))
        # hegui must label each image before it leaves, so it asks for the bytes.
        data["response_format"] = "b64_json"
        reply = await svc.upstreams.post_json(up, "images/generations", orjson.dumps(data))
        trail.upstream_ms = reply.elapsed_ms
        items = reply.body.get("data")
        if not isinstance(items, list) or not items:
            raise GatewayError(
                502,
                f"upstream {up.name!r} answered without images",
                "upstream_malformed",
                upstream=up.name,
            )
        revised = [i.get("revised_prompt") for i in items if isinstance(i, dict)]
        texts = [t for t in revised if isinstance(t, str)]
        trail.output = "\n".join(texts) if texts else None
        if texts and svc.settings.screening.output.enabled:
            verdicts = await svc.screen(snap, texts, Direction.OUTPUT)
            if verdicts and trail.screened("output", texts, verdicts).rank >= Action.REFUSE.rank:
                for item in items:
                    if isinstance(item, dict):
                        item.pop("revised_prompt", None)
        labeled: list[dict[str, Any]] = []
        for n, item in enumerate(items):
            b64 = item.get("b64_json") if isinstance(item, dict) else None
            if not isinstance(b64, str):
                raise GatewayError(
                    502,
                    f"upstream {up.name!r} returned an image without b64_json data; hegui "
                    "labels images before they leave, so it does not pass on URLs",
                    "upstream_malformed",
                    upstream=up.name,
                )
            try:
                image = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                raise GatewayError(
                    502,
                    f"upstream {up.name!r} sent undecodable image data",
                    "upstream_malformed",
                    upstream=up.name,
                ) from None
            produce_id = f"{trail.id}-{n}"
            image = await _label_image(svc, image, produce_id)
            out = {k: v for k, v in item.items() if k not in ("b64_json", "url")}
            if req.response_format == "b64_json":
                out["b64_json"] = base64.b64encode(image).decode("ascii")
            else:
                out["url"] = svc.labeler.data_url(image)
            labeled.append(out)
        trail.label_id = f"{trail.id}-0"
        body = {**reply.body, "data": labeled}
        return await svc.finish(trail, snap, json_response(body))
    except GatewayError as exc:
        return await svc.failed(trail, snap, exc)


async def _label_image(svc: Service, image: bytes, produce_id: str) -> bytes:
    try:
        return await anyio.to_thread.run_sync(svc.labeler.label_image, image, produce_id)
    except HeguiError as exc:
        if svc.settings.fail.labeling is FailMode.OPEN:
            _log.error("image labeling failed; passed on unlabeled (fail: labeling: open)")
            return image
        raise GatewayError(
            502,
            "the generated image could not be labeled as GB 45438 requires, so it is "
            f"withheld (fail-closed): {str(exc).splitlines()[0][:200]}",
            "labeling_failed",
        ) from None
