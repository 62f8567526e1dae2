"""/internal: questions other services ask identity-commerce (service tokens with a scope)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from shopkit.auth import scoped
from shopkit.db import SessionDep
from shopkit.errors import NotFound, RequestInvalid, behind_token
from shopkit.scopes import ACCOUNTS_READ, PURCHASES_READ
from shopkit.tokens import Principal

from identity_commerce.schemas.accounts import AccountStatusOut
from identity_commerce.schemas.orders import VerifiedPurchase
from identity_commerce.services.accounts import account_status
from identity_commerce.services.orders import has_verified_purchase

router = APIRouter(prefix="/internal", tags=["internal"])


@router.get(
    "/verified-purchase",
    response_model=VerifiedPurchase,
    summary="Did this user buy (and pay for) a variant of this product?",
    description="True when the user has an order in paid, processing, shipped or delivered "
    "containing a variant of the product. Used by catalog-fulfillment for reviews "
    "(service token with `purchases:read`).",
    responses=behind_token(RequestInvalid),
)
async def verified_purchase(
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    _: Annotated[Principal, scoped(PURCHASES_READ)],
    session: SessionDep,
) -> VerifiedPurchase:
    return VerifiedPurchase(
        verified=await has_verified_purchase(session, user_id=user_id, product_id=product_id)
    )


@router.get(
    "/accounts/{user_id}",
    response_model=AccountStatusOut,
    summary="Is this account active, with which role and token version?",
    description="Asked by catalog-fulfillment and notifications on every request that "
    "carries a user token (service token with `accounts:read`): a token counts only while "
    "its account is active and its `role` and `ver` match the answer; `email_verified` says "
    "whether the owner proved the address (reviews need it).",
    responses=behind_token(NotFound.documented("No such account"), RequestInvalid),
)
async def account(
    user_id: uuid.UUID,
    _: Annotated[Principal, scoped(ACCOUNTS_READ)],
    session: SessionDep,
) -> AccountStatusOut:
    user = await account_status(session, user_id=user_id)
    if user is None:
        raise NotFound("No such account")
    return AccountStatusOut(
        user_id=user.id,
        active=user.is_active,
        role=user.role,
        token_version=user.token_version,
        email_verified=user.email_verified,
    )
