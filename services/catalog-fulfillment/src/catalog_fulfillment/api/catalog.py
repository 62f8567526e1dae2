"""Public catalog: categories, product listings and search, product detail, variant lookup."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import RootModel
from shopkit.errors import BadRequest, NotFound, error_responses
from shopkit.fields import SKU_PATTERN, SafeText
from shopkit.pages import PageParams

from catalog_fulfillment.api.deps import (
    CatalogCacheDep,
    ExactStockDep,
    Paging,
    ReadSessionDep,
    SettingsDep,
)
from catalog_fulfillment.schemas.catalog import (
    CategoryNode,
    Facets,
    ProductDetail,
    ProductPage,
    ProductSummary,
    SitemapEntries,
    VariantLookup,
    VariantLookupPage,
)
from catalog_fulfillment.services import catalog, sitemap
from catalog_fulfillment.services.catalog import BadCursor, ListingFilters, Sort
from catalog_fulfillment.services.listing_cache import CATALOG, PAGES, STOCK

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


def _json(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


async def _listing(
    cache: CatalogCacheDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    listing: "ListingQuery",
    q: str | None,
    paging: PageParams,
) -> Response:
    """The page as JSON, rendered once and then served from the catalog cache until a
    write (price, stock going in or out, rating, ...) through any process invalidates it."""
    filters, sort, cursor = listing.filters(q), listing.sort, listing.cursor

    async def render() -> bytes:
        result = await catalog.list_products(
            session,
            filters=filters,
            sort=sort,
            page=paging.page,
            page_size=paging.page_size,
            cache=cache,
            ranking_cache=cache,
            typo_threshold=settings.search_typo_threshold,
            exact_limit=settings.listing_exact_count_limit,
            cursor=cursor,
        )
        return (
            ProductPage(
                items=[ProductSummary.of(row, base_url=settings.public_url) for row in result.rows],
                total=result.total,
                page=paging.page,
                page_size=paging.page_size,
                facets=Facets.model_validate(result.facets),
                corrected_query=result.corrected_query,
                typo_corrected=result.corrected_query is not None,
                total_estimated=result.total_estimated,
                next_cursor=result.next_cursor,
            )
            .model_dump_json()
            .encode()
        )

    key = ("page", filters, sort, paging.page, paging.page_size, cursor)
    try:
        body = await cache.get_or_compute(key, render, tags=(CATALOG, PAGES, STOCK))
    except BadCursor as exc:
        # Well-formed (the schema's pattern) but not a cursor this service made for this
        # listing: only the service can tell, so 400 rather than a schema error (422).
        raise BadRequest(str(exc), code="invalid_cursor") from exc
    return _json(body)


BAD_CURSOR = (
    "`cursor` is not one this service made for this sort (`code`: `invalid_cursor`): start "
    "again from the first page"
)
# What a listing and a search both answer besides the page.
LISTING_ERRORS = error_responses(
    BadRequest.documented(BAD_CURSOR), NotFound.documented("Unknown category")
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
CursorQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=300,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="next_cursor of the previous page (same filters and sort): the page "
        "after it, read through the sort index however deep; page is then ignored",
    ),
]
MinPrice = Annotated[str | None, PriceQuery]
MaxPrice = Annotated[str | None, PriceQuery]


@dataclass(frozen=True)
class ListingQuery:
    """What a listing and a search both take besides `q` and the page number."""

    category: str | None
    min_price: str | None
    max_price: str | None
    in_stock: bool
    sort: Sort
    cursor: str | None

    def filters(self, q: str | None) -> ListingFilters:
        return _filters(q, self.category, self.min_price, self.max_price, self.in_stock)


async def _listing_query(
    category: CategoryQuery = None,
    min_price: MinPrice = None,
    max_price: MaxPrice = None,
    in_stock: bool = False,
    sort: SortQuery = "relevance",
    cursor: CursorQuery = None,
) -> ListingQuery:
    return ListingQuery(category, min_price, max_price, in_stock, sort, cursor)


# Before `paging` in a route's signature: the OpenAPI lists its parameters first.
ListingQueryDep = Annotated[ListingQuery, Depends(_listing_query)]


@router.get("/categories", response_model=list[CategoryNode], summary="The category tree")
async def categories(session: ReadSessionDep, cache: CatalogCacheDep) -> Response:
    async def render() -> bytes:
        nodes = [CategoryNode.model_validate(n) for n in await catalog.category_tree(session)]
        return RootModel[list[CategoryNode]](nodes).model_dump_json().encode()

    return _json(await cache.get_or_compute(("categories",), render, tags=(CATALOG,)))


@router.get(
    "/sitemap",
    response_model=SitemapEntries,
    summary="What sitemap.xml lists: every category and every active product, by slug",
    description="The frontend's servers render `sitemap.xml` from this. Archived products are "
    "never listed; at most 50,000 entries in all (one sitemap file's limit), most recently "
    "changed products first, `truncated` when some were left out. Served from the catalog "
    "cache, emptied by any catalog write.",
)
async def sitemap_entries(session: ReadSessionDep, cache: CatalogCacheDep) -> Response:
    async def render() -> bytes:
        entries = SitemapEntries.model_validate(await sitemap.sitemap_entries(session))
        return entries.model_dump_json().encode()

    return _json(await cache.get_or_compute(("sitemap",), render, tags=(CATALOG,)))


@router.get(
    "/products",
    response_model=ProductPage,
    summary="Browse and filter products",
    responses=LISTING_ERRORS,
)
async def list_products(
    cache: CatalogCacheDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    listing: ListingQueryDep,
    paging: Paging,
    q: Annotated[SafeText | None, Query(max_length=200)] = None,
) -> Response:
    return await _listing(cache, session, settings, listing, q, paging)


@router.get(
    "/search",
    response_model=ProductPage,
    summary="Full-text product search, tolerant of typos",
    responses=LISTING_ERRORS,
)
async def search(
    cache: CatalogCacheDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    q: Annotated[SafeText, Query(min_length=1, max_length=200)],
    listing: ListingQueryDep,
    paging: Paging,
) -> Response:
    return await _listing(cache, session, settings, listing, q, paging)


@router.get(
    "/products/{product_id}",
    response_model=ProductDetail,
    summary="One product with its images and variants (by id or slug)",
    description="Each variant has a stock_level (in_stock, low_stock at or below its reorder "
    "level, out_of_stock); the exact available units only with an admin or service token "
    "(null otherwise; a token that does not verify counts as none).",
    responses=error_responses(NotFound.documented("No such product, or it is archived")),
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
    session: ReadSessionDep,
    settings: SettingsDep,
    exact_stock: ExactStockDep,
    cache: CatalogCacheDep,
) -> Response:
    """The product from the catalog cache (emptied by any write to it, through any
    process), its stock read fresh."""
    view = await catalog.get_product(session, id_or_slug=product_id, cache=cache)
    detail = ProductDetail.of(view, base_url=settings.public_url, exact_stock=exact_stock)
    return _json(detail.model_dump_json().encode())


@router.get(
    "/variants",
    response_model=VariantLookupPage,
    summary="Look variants up by sku (cart and checkout); unknown skus are left out",
    description="stock_level for everyone; the exact available units only with an admin or "
    "service token (identity-commerce's cart and checkout), null otherwise.",
)
async def variants(
    session: ReadSessionDep,
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
    wanted = sorted(s for s in given if re.fullmatch(SKU_PATTERN, s))
    rows = await catalog.lookup_variants(session, wanted)
    return VariantLookupPage(
        items=[
            VariantLookup.of(r, base_url=settings.public_url, exact_stock=exact_stock) for r in rows
        ]
    )
