"""Partial refunds (`POST /admin/orders/{id}/refunds`) and returns: the shopper asks
(`POST /orders/{id}/returns`), admins approve, reject and receive (`/admin/returns`)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header
from shopkit.auth import CurrentUser
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    NotFound,
    RequestInvalid,
    ServiceUnavailable,
    TooManyRequests,
    behind_token,
)
from shopkit.pages import Paging

from identity_commerce.api.deps import (
    ClientAddress,
    FollowUpClientsDep,
    OrdersStaff,
    SettingsDep,
    StripeDep,
)
from identity_commerce.clients.stripe import StripeRequestRefused
from identity_commerce.core.config import Settings
from identity_commerce.models import ReturnStatus
from identity_commerce.schemas.aftersale import (
    AdminReturnOut,
    AdminReturnPage,
    RefundCreatedOut,
    RefundIn,
    ReturnDecisionIn,
    ReturnIn,
    ReturnReceiveIn,
)
from identity_commerce.schemas.orders import AdminOrderOut, RefundOut, ReturnOut, ReturnStatusName
from identity_commerce.services import rate_limit, refunds, returns
from identity_commerce.services.order_followups import finish_after_commit
from identity_commerce.services.orders import admin_actor, customer_actor

router = APIRouter(tags=["after-sale: refunds and returns"])

RefundKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Required. The same key and body answer the first refund again (201); "
        "the same key with another body is a 409",
    ),
]
_STRIPE_ERRORS = (
    ServiceUnavailable.documented(
        "Stripe (or catalog-fulfillment) is down; nothing changed (see Retry-After)"
    ),
    StripeRequestRefused.documented(
        "Stripe refused the refund (e.g. an unknown PaymentIntent); nothing changed"
    ),
)


def _refund_limits(settings: Settings, who: str, client: str) -> list[rate_limit.Limit]:
    return rate_limit.per_caller_and_client(
        "refunds",
        caller=f"admin:{who}",
        client=client,
        per_caller=settings.refunds_max_per_admin,
        per_client=settings.refunds_max_per_client,
        window=timedelta(seconds=settings.refunds_rate_window_seconds),
    )


def _return_limits(settings: Settings, who: uuid.UUID, client: str) -> list[rate_limit.Limit]:
    return rate_limit.per_caller_and_client(
        "returns",
        caller=f"user:{who}",
        client=client,
        per_caller=settings.returns_max_per_user,
        per_client=settings.returns_max_per_client,
        window=timedelta(seconds=settings.returns_rate_window_seconds),
    )


@router.post(
    "/admin/orders/{order_id}/refunds",
    status_code=201,
    response_model=RefundCreatedOut,
    summary="Refund some lines of an order, its shipping, or an amount",
    description=(
        "Each line is refunded at the price paid: `line_total x (total - shipping) / "
        "subtotal`, rounded half-up to the cent; the refund that takes the last units of the "
        "order takes the exact remainder, so the line refunds add up to what was paid for "
        "goods. `include_shipping` adds what is left of the shipping; `amount` replaces the "
        "computed sum (the lines are still marked refunded). Refunded through Stripe; with "
        "`restock` the lines go back on the shelf once (retried in the background while the "
        "catalog is down). The order becomes `partially_refunded`, or `refunded` when no "
        "money is left, and ORDER_REFUNDED is emitted with the amount and lines. "
        "409 `code`s: " + refunds.REFUND_CONFLICT_CODES + "."
    ),
    responses=behind_token(
        NotFound.documented("No such order"),
        Conflict.documented("The refund cannot be made as asked (see `code`); nothing changed"),
        RequestInvalid.documented("Invalid body, or no Idempotency-Key"),
        TooManyRequests.documented("Too many refunds from this admin or address"),
        *_STRIPE_ERRORS,
    ),
)
async def refund_order_lines(
    order_id: uuid.UUID,
    body: RefundIn,
    admin: OrdersStaff,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientAddress,
    stripe: StripeDep,
    followups: FollowUpClientsDep,
    idempotency_key: RefundKeyHeader,
) -> RefundCreatedOut:
    await rate_limit.hit_all(
        session,
        limits=_refund_limits(settings, admin.subject, client),
        detail="Too many refunds; try again later",
        code="refunds_rate_limited",
    )
    outcome = await refunds.refund_order(
        session,
        order_id=order_id,
        lines=[refunds.LineRequest(line.sku, line.quantity) for line in body.lines],
        amount=body.amount,
        include_shipping=body.include_shipping,
        restock=body.restock,
        reason=body.reason,
        actor=admin_actor(admin.subject),
        idempotency_key=idempotency_key,
        body_hash=refunds.request_hash(body.model_dump(mode="json")),
        stripe=stripe,
    )
    answer = RefundCreatedOut(
        refund=RefundOut.model_validate(outcome.refund),
        order=AdminOrderOut.of(outcome.order),
    )
    await finish_after_commit(session, order_id=order_id, clients=followups)
    return answer


@router.post(
    "/orders/{order_id}/returns",
    status_code=201,
    response_model=ReturnOut,
    summary="Ask to return units of my delivered order",
    description=(
        "Within `RETURN_WINDOW_DAYS` (30) of delivery; a unit already refunded or in an "
        "open return cannot be asked for again. The return starts `requested`; the shop "
        "approves or rejects it, and refunds (and restocks) the units when the parcel "
        "arrives. Each step emails the shopper. At most `RETURNS_MAX_PER_USER` (10) per "
        "account and `RETURNS_MAX_PER_CLIENT` (100) per address an hour. 409 `code`s: "
        + returns.RETURN_CONFLICT_CODES
        + "."
    ),
    responses=behind_token(
        NotFound.documented("No such order, or not yours"),
        Conflict.documented("The return cannot be made as asked (see `code`)"),
        RequestInvalid,
        TooManyRequests.documented("Too many return requests from this account or address"),
    ),
)
async def request_return(
    order_id: uuid.UUID,
    body: ReturnIn,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> ReturnOut:
    await rate_limit.hit_all(
        session,
        limits=_return_limits(settings, principal.user_id, client),
        detail="Too many return requests; try again later",
        code="returns_rate_limited",
    )
    order_return = await returns.request_return(
        session,
        order_id=order_id,
        user_id=principal.user_id,
        lines=[refunds.LineRequest(line.sku, line.quantity) for line in body.lines],
        reason=body.reason,
        window=timedelta(days=settings.return_window_days),
        actor=customer_actor(principal.user_id),
    )
    return ReturnOut.model_validate(order_return)


@router.get(
    "/admin/returns",
    response_model=AdminReturnPage,
    summary="Returns, newest first, optionally of one status",
    responses=behind_token(RequestInvalid),
)
async def all_returns(
    _: OrdersStaff,
    session: SessionDep,
    paging: Paging,
    status: ReturnStatusName | None = None,
) -> AdminReturnPage:
    rows, total = await returns.list_returns(
        session, status=status, page=paging.page, page_size=paging.page_size
    )
    return AdminReturnPage.of(
        [
            AdminReturnOut.model_validate(
                {**ReturnOut.model_validate(r).model_dump(), "order_number": number}
            )
            for r, number in rows
        ],
        total,
        paging,
    )


_DECISION_ERRORS = behind_token(
    NotFound.documented("No such return"),
    Conflict.documented("The return's life cycle does not allow this step"),
    RequestInvalid,
)


def _decision(target: ReturnStatus) -> Callable[..., Awaitable[ReturnOut]]:
    """The handler that moves a requested return to `target`, with the admin's note."""

    async def decide(
        return_id: uuid.UUID,
        admin: OrdersStaff,
        session: SessionDep,
        body: ReturnDecisionIn | None = None,
    ) -> ReturnOut:
        order_return = await returns.decide_return(
            session,
            return_id=return_id,
            target=target,
            note=body.note if body else None,
            actor=admin_actor(admin.subject),
        )
        return ReturnOut.model_validate(order_return)

    return decide


# Approving and rejecting differ only in the status they move the return to. `name` is the
# operationId's stem, as when each had a function of that name.
for path, name, target, summary in (
    (
        "/admin/returns/{return_id}/approve",
        "approve_return",
        ReturnStatus.APPROVED,
        "Approve a requested return (the shopper is told to send the parcel)",
    ),
    (
        "/admin/returns/{return_id}/reject",
        "reject_return",
        ReturnStatus.REJECTED,
        "Reject a requested return (its units may be asked for again)",
    ),
):
    router.post(
        path, name=name, response_model=ReturnOut, summary=summary, responses=_DECISION_ERRORS
    )(_decision(target))


@router.post(
    "/admin/returns/{return_id}/receive",
    response_model=ReturnOut,
    summary="The approved parcel arrived: refund its units (and restock them)",
    description=(
        "Refunds the returned units at the price paid through the refund path of "
        "`POST /admin/orders/{id}/refunds` (Idempotency-Key `return-<id>`), restocks them "
        "unless `restock` is false, and emits RETURN_RECEIVED and ORDER_REFUNDED."
    ),
    responses=behind_token(
        NotFound.documented("No such return"),
        Conflict.documented(
            "Not approved (or received already), or its units can no longer be refunded"
        ),
        RequestInvalid,
        *_STRIPE_ERRORS,
    ),
)
async def receive_return(
    return_id: uuid.UUID,
    admin: OrdersStaff,
    session: SessionDep,
    stripe: StripeDep,
    followups: FollowUpClientsDep,
    body: ReturnReceiveIn | None = None,
) -> ReturnOut:
    order, order_return = await returns.receive_return(
        session,
        return_id=return_id,
        restock=body.restock if body else True,
        note=body.note if body else None,
        actor=admin_actor(admin.subject),
        stripe=stripe,
    )
    answer = ReturnOut.model_validate(order_return)
    await finish_after_commit(session, order_id=order.id, clients=followups)
    return answer
