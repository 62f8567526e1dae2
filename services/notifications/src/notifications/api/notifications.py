"""`GET /notifications`: the sent log, for admins and services."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from shopkit.auth import scoped
from shopkit.db import SessionDep
from shopkit.errors import Forbidden, RequestInvalid, Unauthorized, behind_token
from shopkit.events import EventType
from shopkit.pages import Paging
from shopkit.scopes import EVENTS_WRITE
from shopkit.tokens import Principal

from notifications.schemas.notifications import SentMessageOut, SentMessagePage
from notifications.services.sent_log import list_sent_messages

router = APIRouter(tags=["sent log"])


@router.get(
    "/notifications",
    response_model=SentMessagePage,
    summary="Messages sent, newest first",
    responses=behind_token(
        RequestInvalid.documented("Unknown type or bad paging"),
        unauthorized=Unauthorized.documented("No or invalid token"),
        forbidden=Forbidden.documented(
            "Customers, and services without events:write, may not read the sent log"
        ),
    ),
)
async def sent_log(
    session: SessionDep,
    _: Annotated[Principal, scoped(EVENTS_WRITE, roles=("admin",))],
    paging: Paging,
    type: Annotated[EventType | None, Query(description="Event type")] = None,  # noqa: A002
    recipient: Annotated[
        str | None, Query(min_length=1, max_length=320, description="Email or phone, exact")
    ] = None,
    event_id: Annotated[uuid.UUID | None, Query()] = None,
    channel: Annotated[Literal["email", "sms"] | None, Query()] = None,
) -> SentMessagePage:
    rows, total = await list_sent_messages(
        session,
        event_type=type.value if type else None,
        recipient=recipient,
        event_id=event_id,
        channel=channel,
        page=paging.page,
        page_size=paging.page_size,
    )
    return SentMessagePage.of([SentMessageOut.model_validate(row) for row in rows], total, paging)
