"""Back-office endpoints (admin, or staff holding `catalog`; tokens from identity-commerce):
categories, products, stock, and the products CSV export."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, status
from shopkit.auth import require_permission
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    NotFound,
    behind_token,
)
from shopkit.fields import SKU_PATTERN, SafeText
from shopkit.tokens import Principal

from catalog_fulfillment.api.deps import BulkPaging, Paging, SettingsDep
from catalog_fulfillment.api.inventory import stock_level
from catalog_fulfillment.schemas.admin import (
    AdminProductPage,
    AdminProductSummary,
    CategoryCreate,
    CategoryUpdate,
    ImageIn,
    LowStockItem,
    ProductCreate,
    ProductUpdate,
    StockPage,
)
from catalog_fulfillment.schemas.catalog import CategoryNode, ProductDetail, ProductSummary
from catalog_fulfillment.schemas.inventory import (
    StockLevel,
    StockUpdate,
)
from catalog_fulfillment.services import catalog, catalog_admin, inventory

router = APIRouter(prefix="/admin", tags=["admin: catalog"])

# Admins, and staff holding `catalog` (docs/permissions.md).
CatalogStaff = Annotated[Principal, require_permission("catalog")]
SkuPath = Annotated[str, Path(min_length=1, max_length=64, pattern=SKU_PATTERN)]


def _local_images(settings: SettingsDep, images: list[ImageIn] | None) -> list[ImageIn] | None:
    """Pictures served by this service are stored as paths (/static/...), also when the
    admin UI sends back the absolute URL it was shown, so CATALOG_PUBLIC_URL can change."""
    if images is None:
        return None
    own = settings.public_url.rstrip("/") + "/static/"
    return [
        ImageIn(url="/static/" + i.url.removeprefix(own), alt=i.alt) if i.url.startswith(own) else i
        for i in images
    ]


def _listing_changed(request: Request) -> None:
    """What this process cached is stale after an admin change. Every process, this one
    included, also drops it when the write commits (NOTIFY catalog_changed)."""
    request.app.state.catalog_cache.clear()


async def _detail(
    session: SessionDep, settings: SettingsDep, product_id: uuid.UUID
) -> ProductDetail:
    view = await catalog.get_product(session, id_or_slug=str(product_id), include_archived=True)
    return ProductDetail.of(view, base_url=settings.public_url, exact_stock=True)


@router.post(
    "/categories",
    response_model=CategoryNode,
    status_code=status.HTTP_201_CREATED,
    summary="Create a category (optionally under a parent)",
    responses=behind_token(
        NotFound.documented("Parent not found"), Conflict.documented("Slug taken")
    ),
)
async def create_category(
    body: CategoryCreate, request: Request, session: SessionDep, _: CatalogStaff
) -> CategoryNode:
    category = await catalog_admin.create_category(session, data=body)
    _listing_changed(request)
    return CategoryNode.model_validate(catalog.category_node(category))


@router.put(
    "/categories/{category_id}",
    response_model=CategoryNode,
    summary="Edit a category's name, slug, description or position",
    description="Only the fields given change. `children` is empty here: the tree is "
    "`GET /catalog/categories`.",
    responses=behind_token(
        NotFound.documented("No such category"), Conflict.documented("Slug taken")
    ),
)
async def update_category(
    category_id: uuid.UUID,
    body: CategoryUpdate,
    request: Request,
    session: SessionDep,
    _: CatalogStaff,
) -> CategoryNode:
    category = await catalog_admin.update_category(session, category_id=category_id, data=body)
    _listing_changed(request)
    return CategoryNode.model_validate(catalog.category_node(category))


@router.get(
    "/products",
    response_model=AdminProductPage,
    summary="All products, archived ones included",
    responses=behind_token(),
)
async def list_products(
    session: SessionDep,
    settings: SettingsDep,
    _: CatalogStaff,
    paging: Paging,
    status: Literal["active", "archived"] | None = None,
    q: Annotated[SafeText | None, Query(max_length=200)] = None,
) -> AdminProductPage:
    rows, total = await catalog_admin.list_all_products(
        session, status=status, q=q, page=paging.page, page_size=paging.page_size
    )
    ids = [p.id for p, _ in rows]
    images = await catalog.first_images(session, ids)
    stocked = await catalog.products_in_stock(session, ids)
    items = [
        AdminProductSummary(
            **ProductSummary.of(
                {
                    "product": p,
                    "category": c,
                    "image_url": images.get(p.id),
                    "in_stock": p.id in stocked,
                },
                base_url=settings.public_url,
            ).model_dump(),
            status=p.status,
        )
        for p, c in rows
    ]
    return AdminProductPage.of(items, total, paging)


@router.get(
    "/products/{product_id}",
    response_model=ProductDetail,
    summary="One product as admins see it (archived products and retired skus included)",
    responses=behind_token(NotFound.documented("No such product")),
)
async def read_product(
    product_id: uuid.UUID, session: SessionDep, settings: SettingsDep, _: CatalogStaff
) -> ProductDetail:
    return await _detail(session, settings, product_id)


@router.post(
    "/products",
    response_model=ProductDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Create a product with its variants, images and initial stock",
    responses=behind_token(
        NotFound.documented("Category not found"), Conflict.documented("Slug or sku taken")
    ),
)
async def create_product(
    body: ProductCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: CatalogStaff,
) -> ProductDetail:
    body = body.model_copy(update={"images": _local_images(settings, body.images)})
    product = await catalog_admin.create_product(session, data=body)
    _listing_changed(request)
    return await _detail(session, settings, product.id)


@router.put(
    "/products/{product_id}",
    response_model=ProductDetail,
    summary="Edit a product; a given variant list replaces the old one (left-out skus retire)",
    responses=behind_token(
        NotFound.documented("No such product or category"), Conflict.documented("Slug or sku taken")
    ),
)
async def update_product(
    product_id: uuid.UUID,
    body: ProductUpdate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: CatalogStaff,
) -> ProductDetail:
    body = body.model_copy(update={"images": _local_images(settings, body.images)})
    await catalog_admin.update_product(session, product_id=product_id, data=body)
    _listing_changed(request)
    return await _detail(session, settings, product_id)


@router.post(
    "/products/{product_id}/archive",
    response_model=ProductDetail,
    summary="Archive a product: gone from the catalog and search, kept for admins and past "
    "orders; `PUT` with `status: active` restores it",
    responses=behind_token(NotFound.documented("No such product")),
)
async def archive_product(
    product_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: CatalogStaff,
) -> ProductDetail:
    # A state change, not a deletion: the product and its skus stay (orders refer to
    # them), so this is not `DELETE`, after which the product would have to be gone.
    await catalog_admin.archive_product(session, product_id=product_id)
    _listing_changed(request)
    return await _detail(session, settings, product_id)


@router.get(
    "/inventory",
    response_model=StockPage,
    summary="Stock per sku, lowest availability first (low_stock: at or below reorder level)",
    responses=behind_token(),
)
async def list_stock(
    session: SessionDep,
    _: CatalogStaff,
    paging: BulkPaging,
    low_stock: bool = False,
) -> StockPage:
    items, total = await catalog_admin.list_stock(
        session, low_only=low_stock, page=paging.page, page_size=paging.page_size
    )
    return StockPage.of([LowStockItem.model_validate(i) for i in items], total, paging)


@router.put(
    "/inventory/{sku}",
    response_model=StockLevel,
    summary="Set the counted stock of a sku (and optionally its reorder level)",
    responses=behind_token(
        NotFound.documented("Unknown sku"), Conflict.documented("Below the units already reserved")
    ),
)
async def set_stock(
    sku: SkuPath, body: StockUpdate, request: Request, session: SessionDep, _: CatalogStaff
) -> StockLevel:
    item = await inventory.set_stock(
        session, sku=sku, on_hand=body.on_hand, reorder_level=body.reorder_level
    )
    _listing_changed(request)
    return stock_level(item)
