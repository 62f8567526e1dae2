"""Public catalog: categories, product listings and search, product detail, variant lookup."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from shopkit.db import SessionDep

from catalog_fulfillment.api import presenters
from catalog_fulfillment.api.responses import errors
from catalog_fulfillment.core.deps import ExactStockDep, SettingsDep
from catalog_fulfillment.schemas.catalog import (
    CategoryNode,
    Facets,
    ProductDetail,
    ProductPage,
    VariantLookupPage,
)
from catalog_fulfillment.schemas.common import SafeText
from catalog_fulfillment.schemas.inventory import SKU_PATTERN
from catalog_fulfillment.services import catalog
from catalog_fulfillment.services.catalog import ListingFilters, Sort

router = APIRouter(prefix="/catalog", tags=["catalog"])

# A price bound as a query string: up to 10 digits and 2 decimals; empty means no bound (as
# an HTML form sends an empty field). Parsed here so the schema and the code agree exactly.
PRICE_QUERY = r"^(?:[0-9]{1,10}(?:\.[0-9]{1,2})?)?$"
PriceQuery = Query(
    pattern=PRICE_QUERY, description="Price bound, e.g. 19.99 (empty: no bound)", examples=["50"]
)


def _price(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def _filters(
    q: str | None,
    category: str | None,
    min_price_query: str | None,
    max_price_query: str | None,
    in_stock: bool,
) -> ListingFilters:
    # min_price above max_price is a range no product is in: an empty page, not an error
    # (no schema can state a rule between two parameters)
    min_price, max_price = _price(min_price_query), _price(max_price_query)
    q = " ".join(q.split()) if q else None  # collapse whitespace: one cache key per query
    return ListingFilters(
        q=q or None, category=category, min_price=min_price, max_price=max_price, in_stock=in_stock
    )


async def _listing(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    filters: ListingFilters,
    sort: Sort,
    page: int,
    page_size: int,
) -> ProductPage:
    result = await catalog.list_products(
        session,
        filters=filters,
        sort=sort,
        page=page,
        page_size=page_size,
        cache=request.app.state.listing_cache,
        ranking_cache=request.app.state.ranking_cache,
        typo_threshold=settings.search_typo_threshold,
    )
    return ProductPage(
        items=[presenters.product_summary(settings, row) for row in result.rows],
        total=result.total,
        page=page,
        page_size=page_size,
        facets=Facets.model_validate(result.facets),
        corrected_query=result.corrected_query,
        typo_corrected=result.corrected_query is not None,
    )


CategoryQuery = Annotated[
    str | None,
    Query(
        max_length=140,
        pattern=r"^[A-Za-z0-9-]+$",
        description="Category slug or id; includes its subcategories",
    ),
]
SortQuery = Annotated[
    Sort,
    Query(
        description="relevance (with q; otherwise newest), price_asc, price_desc, newest, rating"
    ),
]
PageQuery = Annotated[int, Query(ge=1, le=10_000)]
PageSizeQuery = Annotated[int, Query(ge=1, le=100)]
MinPrice = Annotated[str | None, PriceQuery]
MaxPrice = Annotated[str | None, PriceQuery]


@router.get("/categories", response_model=list[CategoryNode], summary="The category tree")
async def categories(session: SessionDep) -> list[CategoryNode]:
    return [CategoryNode.model_validate(node) for node in await catalog.category_tree(session)]


@router.get(
    "/products",
    response_model=ProductPage,
    summary="Browse and filter products",
    responses=errors(404, not_found="Unknown category"),
)
async def list_products(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[SafeText | None, Query(max_length=200)] = None,
    category: CategoryQuery = None,
    min_price: MinPrice = None,
    max_price: MaxPrice = None,
    in_stock: bool = False,
    sort: SortQuery = "relevance",
    page: PageQuery = 1,
    page_size: PageSizeQuery = 20,
) -> ProductPage:
    filters = _filters(q, category, min_price, max_price, in_stock)
    return await _listing(request, session, settings, filters, sort, page, page_size)


@router.get(
    "/search",
    response_model=ProductPage,
    summary="Full-text product search, tolerant of typos",
    responses=errors(404, not_found="Unknown category"),
)
async def search(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[SafeText, Query(min_length=1, max_length=200)],
    category: CategoryQuery = None,
    min_price: MinPrice = None,
    max_price: MaxPrice = None,
    in_stock: bool = False,
    sort: SortQuery = "relevance",
    page: PageQuery = 1,
    page_size: PageSizeQuery = 20,
) -> ProductPage:
    filters = _filters(q, category, min_price, max_price, in_stock)
    return await _listing(request, session, settings, filters, sort, page, page_size)


@router.get(
    "/products/{product_id}",
    response_model=ProductDetail,
    summary="One product with its images and variants (by id or slug)",
    description="Each variant has a stock_level (in_stock, low_stock at or below its reorder "
    "level, out_of_stock); the exact available units only with an admin or service token "
    "(null otherwise; a token that does not verify counts as none).",
    responses=errors(404, not_found="No such product, or it is archived"),
)
async def product_detail(
    product_id: Annotated[
        str,
        Path(
            min_length=1,
            max_length=220,
            pattern=r"^[A-Za-z0-9-]+$",
            description="Product id (or its slug)",
        ),
    ],
    session: SessionDep,
    settings: SettingsDep,
    exact_stock: ExactStockDep,
) -> ProductDetail:
    view = await catalog.get_product(session, id_or_slug=product_id)
    return presenters.product_detail(settings, view, exact_stock=exact_stock)


@router.get(
    "/variants",
    response_model=VariantLookupPage,
    summary="Look variants up by sku (cart and checkout); unknown skus are left out",
    description="stock_level for everyone; the exact available units only with an admin or "
    "service token (identity-commerce's cart and checkout), null otherwise.",
)
async def variants(
    session: SessionDep,
    settings: SettingsDep,
    exact_stock: ExactStockDep,
    skus: Annotated[
        str,
        Query(
            min_length=1,
            max_length=7000,
            # ASCII only (a sku is ASCII): percent-encoded, the longest list stays well under
            # the 64 KiB the HTTP server reads of a URL
            pattern=r"^[\x00-\x7f]+$",
            description="Comma-separated skus",
        ),
    ],
) -> VariantLookupPage:
    given = {s.strip() for s in skus.split(",") if s.strip()}
    if not given or len(given) > 100:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", "skus"), "msg": "give 1 to 100 skus"}]
        )
    # A string that cannot be a sku (spaces, NUL, ...) names no variant: like any unknown
    # sku it is simply absent, so a cart holding junk still gets its other lines priced.
    wanted = sorted(s for s in given if SKU_PATTERN.fullmatch(s))
    rows = await catalog.lookup_variants(session, wanted)
    return VariantLookupPage(
        items=[presenters.variant_lookup(settings, r, exact_stock=exact_stock) for r in rows]
    )
