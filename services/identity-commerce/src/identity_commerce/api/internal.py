"""/internal: questions other services ask identity-commerce (service tokens only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from shopkit.auth import ServicePrincipal
from shopkit.db import SessionDep

from identity_commerce.schemas.orders import VerifiedPurchase
from identity_commerce.schemas.problems import problem_responses
from identity_commerce.services.orders import has_verified_purchase

router = APIRouter(prefix="/internal", tags=["internal"])


@router.get(
    "/verified-purchase",
    response_model=VerifiedPurchase,
    summary="Did this user buy (and pay for) a variant of this product?",
    description="True when the user has an order in paid, processing, shipped or delivered "
    "containing a variant of the product. Used by catalog-fulfillment for reviews.",
    responses=problem_responses(401, 403, 422),
)
async def verified_purchase(
    user_id: uuid.UUID, product_id: uuid.UUID, _: ServicePrincipal, session: SessionDep
) -> VerifiedPurchase:
    return VerifiedPurchase(
        verified=await has_verified_purchase(session, user_id=user_id, product_id=product_id)
    )
