"""``/v1/models``, and the complaint channel of GAI Art. 15.

``POST /v1/complaints`` files one; ``GET /v1/complaints/{id}`` gives its status and feedback.
"""

from __future__ import annotations

import datetime as dt

import anyio
from starlette.requests import Request
from starlette.responses import Response

from hegui.errors import InputError, StoreError
from hegui.gateway._access import SHANGHAI
from hegui.gateway._errors import GatewayError
from hegui.gateway._protocol import ComplaintRequest, parse_body
from hegui.gateway._response import json_response
from hegui.gateway._service import Service
from hegui.gateway._trail import Trail
from hegui.store import NewComplaint, file_complaint, get_complaint

__all__ = ["complaint", "complaint_status", "models"]


async def models(svc: Service, request: Request) -> Response:
    """``GET /v1/models``."""
    trail = Trail("/v1/models")
    try:
        await svc.caller(request, trail)
    except GatewayError as exc:
        return await svc.failed(trail, None, exc)
    data = [
        {"id": model, "object": "model", "created": 0, "owned_by": upstream}
        for model, upstream in svc.upstreams.models()
    ]
    return await svc.finish(trail, None, json_response({"object": "list", "data": data}))


async def complaint(svc: Service, request: Request) -> Response:
    """``POST /v1/complaints`` (GAI Art. 15)."""
    trail = Trail("/v1/complaints")
    settings = svc.settings.complaints
    try:
        caller = await svc.caller(request, trail)
        if settings is None:
            raise GatewayError(404, "this service has no complaint channel configured", "not_found")
        req, _ = parse_body(await svc.body(request), ComplaintRequest)
        if req.category not in settings.categories:
            raise GatewayError(
                400,
                f"category {req.category[:40]!r} is not one of {', '.join(settings.categories)}",
                "invalid_category",
                param="category",
            )
        trail.user_id = svc.users.identify(request.headers, req.user)
        trail.inputs = [req.text]
        new = NewComplaint(
            text=req.text,
            category=req.category,
            contact=req.contact,
            audit_id=req.request_id,
            user_id=trail.user_id,
            tenant=caller.tenant,
            key_id=caller.key_id,
        )
        try:
            filed = await anyio.to_thread.run_sync(
                lambda: file_complaint(
                    svc.writer.engine,
                    new,
                    time_limit=settings.time_limit,
                    now=dt.datetime.now(dt.UTC),
                )
            )
        except StoreError as exc:
            raise GatewayError(
                503, f"the complaint could not be recorded: {exc}", "store_unavailable"
            ) from None
        trail.status = 201
        body = {
            "id": filed.id,
            "object": "complaint",
            "status": filed.status.value,
            "created_at": filed.created_at.isoformat(),
            "due_at": filed.due_at.isoformat(),
            "message": "已收到您的投诉/举报，我们将在 "
            f"{filed.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（北京时间）前处理并反馈。",
        }
        return await svc.finish(trail, None, json_response(body, 201))
    except GatewayError as exc:
        return await svc.failed(trail, None, exc)


async def complaint_status(svc: Service, request: Request, complaint_id: str) -> Response:
    """``GET /v1/complaints/{id}``: status and feedback, for the tenant that filed it."""
    trail = Trail("/v1/complaints/{id}")
    try:
        caller = await svc.caller(request, trail)
        try:
            found = await anyio.to_thread.run_sync(
                get_complaint, svc.writer.engine, complaint_id[:40]
            )
        except InputError:
            found = None
        if found is None or (caller.key_id is not None and found.tenant != caller.tenant):
            raise GatewayError(404, "no such complaint", "not_found")
        body = {
            "id": found.id,
            "object": "complaint",
            "status": found.status.value,
            "created_at": found.created_at.isoformat(),
            "due_at": found.due_at.isoformat(),
            "resolved_at": found.resolved_at.isoformat() if found.resolved_at else None,
            "resolution": found.resolution,
        }
        return await svc.finish(trail, None, json_response(body))
    except GatewayError as exc:
        return await svc.failed(trail, None, exc)
