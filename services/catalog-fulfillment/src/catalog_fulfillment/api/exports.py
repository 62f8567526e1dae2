"""/admin/exports/products.csv: every variant with its product, category and stock
(admin, or staff holding `catalog`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from shopkit.auth import require_permission
from shopkit.csv_export import CSV_RESPONSE, csv_response
from shopkit.errors import behind_token
from shopkit.keyset import keyset_pages
from shopkit.tokens import Principal
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Category, InventoryItem, Product, Variant

router = APIRouter(prefix="/admin/exports", tags=["admin: catalog"])

CatalogStaff = Annotated[Principal, require_permission("catalog")]
EXPORT_PAGE = 500  # variants read per query and sent per chunk
PRODUCT_COLUMNS = (
    "sku",
    "variant_name",
    "variant_active",
    "price",
    "currency",
    "on_hand",
    "reserved",
    "available",
    "product_id",
    "product_name",
    "slug",
    "brand",
    "status",
    "category",
)


async def _variant_pages(request: Request) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Variants by sku, a page at a time, on a session of its own: the request's is closed
    once the response starts streaming."""
    query = (
        select(Variant, Product, Category.name, InventoryItem)
        .join(Product, Product.id == Variant.product_id)
        .join(Category, Category.id == Product.category_id)
        .outerjoin(InventoryItem, InventoryItem.sku == Variant.sku)
    )
    session: AsyncSession = request.app.state.session_factory()
    try:
        pages = keyset_pages(
            session, query, (Variant.sku,), lambda row: (row[0].sku,), page_size=EXPORT_PAGE
        )
        async for rows in pages:
            yield [
                (
                    variant.sku,
                    variant.name,
                    variant.active,
                    variant.price,
                    variant.currency,
                    stock.on_hand if stock else 0,
                    stock.reserved if stock else 0,
                    stock.available if stock else 0,
                    product.id,
                    product.name,
                    product.slug,
                    product.brand,
                    product.status,
                    category,
                )
                for variant, product, category, stock in rows
            ]
    finally:
        await session.close()


@router.get(
    "/products.csv",
    response_class=StreamingResponse,
    summary="Every variant (archived products and retired skus included) as CSV",
    description=(
        "Streamed RFC 4180 CSV (UTF-8, CRLF, header row), one row per sku; text cells "
        "starting with = + - @ are prefixed with ' so spreadsheets do not run them. "
        "Permission `catalog`."
    ),
    responses={**CSV_RESPONSE, **behind_token()},
)
async def products_csv(_: CatalogStaff, request: Request) -> StreamingResponse:
    return await csv_response("products.csv", PRODUCT_COLUMNS, _variant_pages(request))
