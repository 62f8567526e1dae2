"""Inventory: stock levels and the two-phase reserve/commit/release protocol (service only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import JSONResponse
from shopkit.auth import scoped
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    MethodNotAllowed,
    NotFound,
    behind_token,
)
from shopkit.fields import SKU_PATTERN
from shopkit.scopes import INVENTORY_READ, INVENTORY_WRITE
from shopkit.tokens import Principal
from starlette.convertors import Convertor, register_url_convertor

from catalog_fulfillment.api.deps import SettingsDep
from catalog_fulfillment.models import InventoryItem, Reservation
from catalog_fulfillment.schemas.common import StockConflict
from catalog_fulfillment.schemas.inventory import (
    ReservationLine,
    ReservationOut,
    ReservationRef,
    ReserveRequest,
    RestockOut,
    RestockRequest,
    StockLevel,
)
from catalog_fulfillment.services import inventory

router = APIRouter(prefix="/inventory", tags=["inventory"])

# `/inventory/commit` is an action, not the stock of a sku named "commit": without this, GET
# on an action's URL would read stock and its 405 would claim GET is allowed there.
ACTIONS = ("reserve", "commit", "release", "restock")


class StockSkuConvertor(Convertor[str]):
    regex = rf"(?!(?:{'|'.join(ACTIONS)})$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("stock_sku", StockSkuConvertor())

SkuPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=SKU_PATTERN,
        json_schema_extra={"not": {"enum": list(ACTIONS)}},
    ),
]
# Admins read stock; services need inventory:read to read it and inventory:write to move it.
StockReader = Annotated[Principal, scoped(INVENTORY_READ, roles=("admin",), permission="catalog")]
StockWriter = Annotated[Principal, scoped(INVENTORY_WRITE)]


def reservation_out(reservation: Reservation) -> ReservationOut:
    return ReservationOut(
        reservation_id=reservation.id,
        status=reservation.status,  # type: ignore[arg-type]
        expires_at=reservation.expires_at,
        items=[ReservationLine(sku=i.sku, quantity=i.quantity) for i in reservation.items],
    )


def stock_level(item: InventoryItem) -> StockLevel:
    return StockLevel.model_validate(item, from_attributes=True)


@router.get(
    "/{sku:stock_sku}",
    response_model=StockLevel,
    summary="Stock level of one sku (admins and services)",
    responses=behind_token(
        NotFound.documented("Unknown sku"),
        MethodNotAllowed.documented(
            "The path names an action (reserve, commit, release, restock), which takes POST only"
        ),
    ),
)
async def read_stock(sku: SkuPath, session: SessionDep, _: StockReader) -> StockLevel:
    return stock_level(await inventory.get_stock(session, sku=sku))


@router.post(
    "/reserve",
    response_model=ReservationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Hold stock for an order: all lines or none",
    responses={
        200: {"model": ReservationOut, "description": "Replay: the first result, unchanged"},
        **behind_token(
            Conflict.documented(
                "Not enough stock (with `shortages`), or the id was used for other items",
                body=StockConflict,
            )
        ),
    },
)
async def reserve(
    body: ReserveRequest,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    _: StockWriter,
) -> ReservationOut:
    ttl = body.ttl_seconds or settings.reservation_ttl_seconds
    ttl = min(ttl, settings.reservation_max_ttl_seconds)
    outcome = await inventory.reserve(
        session,
        reservation_id=body.reservation_id,
        lines=[(line.sku, line.quantity) for line in body.items],
        ttl_seconds=ttl,
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return reservation_out(outcome.reservation)


@router.post(
    "/commit",
    response_model=ReservationOut,
    summary="Sell the held stock (idempotent)",
    responses=behind_token(
        NotFound.documented("No such reservation"), Conflict.documented("Released or expired")
    ),
)
async def commit(
    body: ReservationRef, session: SessionDep, _: StockWriter
) -> ReservationOut | JSONResponse:
    outcome = await inventory.commit(session, reservation_id=body.reservation_id)
    if outcome.conflict:
        # Returned, not raised: an overdue reservation was just expired and that must commit.
        return JSONResponse(
            {"detail": outcome.conflict, "status": outcome.reservation.status}, status_code=409
        )
    return reservation_out(outcome.reservation)


@router.post(
    "/release",
    response_model=ReservationOut,
    summary="Give the held stock back (idempotent)",
    responses=behind_token(
        NotFound.documented("No such reservation"), Conflict.documented("Already committed")
    ),
)
async def release(body: ReservationRef, session: SessionDep, _: StockWriter) -> ReservationOut:
    return reservation_out(await inventory.release(session, reservation_id=body.reservation_id))


@router.post(
    "/restock",
    response_model=RestockOut,
    summary="Put units of a cancelled paid order back on hand (idempotent by key)",
    responses=behind_token(
        NotFound.documented("Unknown sku"), Conflict.documented("Key used for other items")
    ),
)
async def restock(body: RestockRequest, session: SessionDep, _: StockWriter) -> RestockOut:
    lines, _created = await inventory.restock(
        session, key=body.key, lines=[(line.sku, line.quantity) for line in body.items]
    )
    return RestockOut(key=body.key, items=[ReservationLine.model_validate(x) for x in lines])
