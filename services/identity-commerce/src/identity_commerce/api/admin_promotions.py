"""/admin/promotions: promo codes (admin role). DELETE deactivates: orders name the code."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from shopkit.db import SessionDep
from shopkit.errors import Conflict, NotFound, RequestInvalid, behind_token
from sqlalchemy import select

from identity_commerce.api.deps import CatalogStaff
from identity_commerce.api.unique_names import flush_unique
from identity_commerce.models import Order, Promotion
from identity_commerce.schemas.pricing_admin import PromotionIn, PromotionOut
from identity_commerce.services import promotions

router = APIRouter(prefix="/admin/promotions", tags=["admin: promotions"])

CODE_TAKEN = "Another promotion has this code (codes are case-insensitive)"


async def _get(session: SessionDep, promotion_id: uuid.UUID) -> Promotion:
    promotion = await session.get(Promotion, promotion_id)
    if promotion is None:
        raise NotFound("No such promotion")
    return promotion


async def _out(session: SessionDep, promotion: Promotion) -> PromotionOut:
    reserved, redeemed = (await promotions.usage_counts(session)).get(promotion.code, (0, 0))
    return PromotionOut.of(promotion, reserved=reserved, redeemed=redeemed)


def _assign(promotion: Promotion, body: PromotionIn) -> None:
    for field, value in body.model_dump().items():
        setattr(promotion, field, value)
    promotion.code = promotions.normalise_code(body.code)


async def _save(session: SessionDep) -> None:
    await flush_unique(session, Conflict(CODE_TAKEN, code="code_taken"))


@router.get(
    "",
    response_model=list[PromotionOut],
    summary="Every promotion, newest first, with its uses",
    responses=behind_token(),
)
async def list_promotions(_: CatalogStaff, session: SessionDep) -> list[PromotionOut]:
    rows = (await session.scalars(select(Promotion).order_by(Promotion.created_at.desc()))).all()
    counts = await promotions.usage_counts(session)
    return [
        PromotionOut.of(
            p, reserved=counts.get(p.code, (0, 0))[0], redeemed=counts.get(p.code, (0, 0))[1]
        )
        for p in rows
    ]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PromotionOut,
    summary="Create a promo code",
    responses=behind_token(
        Conflict.documented(CODE_TAKEN + " (`code`: `code_taken`)"),
        RequestInvalid.documented(
            "Invalid body: value not above 0, a percent above 100, starts_at not before ends_at"
        ),
    ),
)
async def create_promotion(body: PromotionIn, _: CatalogStaff, session: SessionDep) -> PromotionOut:
    promotion = Promotion(id=uuid.uuid4())
    _assign(promotion, body)
    session.add(promotion)
    await _save(session)
    await session.refresh(promotion)
    return PromotionOut.of(promotion)


@router.put(
    "/{promotion_id}",
    response_model=PromotionOut,
    summary="Change a promo code",
    description=(
        "Placed orders keep the discount they got. The code itself can change only while "
        "no order carries it (409 `code_in_use`): its uses are counted by the code."
    ),
    responses=behind_token(
        NotFound.documented("No such promotion"),
        Conflict.documented(
            CODE_TAKEN + " (`code`: `code_taken`), or orders carry the old code "
            "(`code`: `code_in_use`)"
        ),
        RequestInvalid,
    ),
)
async def update_promotion(
    promotion_id: uuid.UUID, body: PromotionIn, _: CatalogStaff, session: SessionDep
) -> PromotionOut:
    promotion = await _get(session, promotion_id)
    new_code = promotions.normalise_code(body.code)
    if new_code != promotion.code:
        used = await session.scalar(
            select(Order.id).where(Order.promo_code == promotion.code).limit(1)
        )
        if used is not None:
            raise Conflict(
                "Orders carry this code; create a new promotion instead", code="code_in_use"
            )
    _assign(promotion, body)
    await _save(session)
    await session.refresh(promotion)
    return await _out(session, promotion)


@router.delete(
    "/{promotion_id}",
    response_model=PromotionOut,
    summary="Deactivate a promo code (orders keep naming it)",
    responses=behind_token(NotFound.documented("No such promotion"), RequestInvalid),
)
async def deactivate_promotion(
    promotion_id: uuid.UUID, _: CatalogStaff, session: SessionDep
) -> PromotionOut:
    promotion = await _get(session, promotion_id)
    promotion.active = False
    await session.flush()
    await session.refresh(promotion)
    return await _out(session, promotion)
