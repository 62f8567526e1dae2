"""/addresses: the signed-in user's address book. Someone else's address answers 404."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, status
from shopkit.db import SessionDep
from shopkit.errors import NotFound, RequestInvalid, behind_token

from identity_commerce.api.deps import CurrentAccount
from identity_commerce.models import Address
from identity_commerce.schemas.addresses import AddressIn, AddressOut
from identity_commerce.services import addresses

router = APIRouter(prefix="/addresses", tags=["addresses"])

NOT_YOURS = "No such address, or not yours"
# What the routes on one address (/addresses/{address_id}) can answer besides it.
ONE_ADDRESS_ERRORS = behind_token(NotFound.documented(NOT_YOURS), RequestInvalid)


@router.get(
    "",
    response_model=list[AddressOut],
    summary="List my addresses (defaults first)",
    responses=behind_token(RequestInvalid),
)
async def list_addresses(
    user: CurrentAccount,
    session: SessionDep,
    kind: Literal["shipping", "billing"] | None = None,
) -> list[Address]:
    return await addresses.list_addresses(session, user_id=user.id, kind=kind)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AddressOut,
    summary="Add an address (the first of a kind becomes its default)",
    responses=behind_token(RequestInvalid),
)
async def create_address(body: AddressIn, user: CurrentAccount, session: SessionDep) -> Address:
    return await addresses.create_address(session, user_id=user.id, fields=body.model_dump())


@router.get(
    "/{address_id}",
    response_model=AddressOut,
    summary="One of my addresses",
    responses=ONE_ADDRESS_ERRORS,
)
async def get_address(address_id: uuid.UUID, user: CurrentAccount, session: SessionDep) -> Address:
    return await addresses.get_address(session, user_id=user.id, address_id=address_id)


@router.put(
    "/{address_id}",
    response_model=AddressOut,
    summary="Replace one of my addresses",
    responses=ONE_ADDRESS_ERRORS,
)
async def replace_address(
    address_id: uuid.UUID, body: AddressIn, user: CurrentAccount, session: SessionDep
) -> Address:
    return await addresses.replace_address(
        session, user_id=user.id, address_id=address_id, fields=body.model_dump()
    )


@router.delete(
    "/{address_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one of my addresses (orders keep their own copy)",
    responses=ONE_ADDRESS_ERRORS,
)
async def delete_address(address_id: uuid.UUID, user: CurrentAccount, session: SessionDep) -> None:
    await addresses.delete_address(session, user_id=user.id, address_id=address_id)
