"""`POST /notify`: the HTTP face of the event handler (the Lambda handler runs the same
`handle_event`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from shopkit.auth import scoped
from shopkit.db import SessionDep
from shopkit.errors import (
    Forbidden,
    PayloadTooLarge,
    RequestInvalid,
    ServiceUnavailable,
    Unauthorized,
    behind_token,
)
from shopkit.scopes import EVENTS_WRITE
from shopkit.tokens import Principal

from notifications.api.deps import NotifierDep, SettingsDep
from notifications.schemas.events import envelope_json_schema
from notifications.schemas.notifications import NotifyResult
from notifications.services.intake import handle_event

router = APIRouter(tags=["events"])

ENVELOPE_EXAMPLE = {
    "event_id": "0b7d4c1e-4a4f-4a58-9d2b-7f0c2b0e9a11",
    "type": "ORDER_PAID",
    "version": 1,
    "occurred_at": "2026-11-21T10:15:00Z",
    "source": "identity-commerce",
    "data": {
        "order_id": "6f1c8a9e-2d3b-4c5d-8e7f-901a2b3c4d5e",
        "order_number": "SO-2026-000123",
        "user_id": "1e2d3c4b-5a69-4788-99aa-bbccddeeff00",
        "email": "alice@example.com",
        "customer_name": "Alice Doe",
        "phone": "+15550100",
        "items": [
            {
                "sku": "LAP-13-16GB",
                "name": 'Laptop 13" 16 GB',
                "quantity": 1,
                "unit_price": "999.00",
                "line_total": "999.00",
            }
        ],
        "subtotal": "999.00",
        "shipping": "0.00",
        "tax": "79.92",
        "total": "1078.92",
        "currency": "USD",
    },
}


@router.post(
    "/notify",
    status_code=202,
    response_model=NotifyResult,
    summary="Handle one event: send its messages once per event id",
    responses=behind_token(
        PayloadTooLarge.documented("Body too large"),
        RequestInvalid.documented("Malformed envelope, unknown event type or missing data fields"),
        ServiceUnavailable.documented("Database or mail provider unavailable; retry later"),
        unauthorized=Unauthorized.documented("No or invalid token"),
        forbidden=Forbidden.documented(
            "Not a service token holding events:write (customers and admins may not post events)"
        ),
    ),
    # The body is validated by handle_event (shared with the Lambda handler); its schema is
    # stated here in full, one envelope shape per event type.
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": envelope_json_schema()}}}
    },
)
async def notify(
    envelope: Annotated[
        dict[str, Any],
        Body(
            description="Event envelope {event_id, type, version, occurred_at, source, data}; "
            "see docs/events.md",
            openapi_examples={"order_paid": {"value": ENVELOPE_EXAMPLE}},
        ),
    ],
    session: SessionDep,
    _: Annotated[Principal, scoped(EVENTS_WRITE)],
    notifier: NotifierDep,
    settings: SettingsDep,
) -> NotifyResult:
    outcome = await handle_event(session, envelope, notifier=notifier, settings=settings)
    return NotifyResult.model_validate(outcome.body())
