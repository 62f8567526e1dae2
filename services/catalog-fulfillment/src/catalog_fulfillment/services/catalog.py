"""Read side of the catalog: category tree, listings with search/filters/sorts/facets,
product detail and the variant lookup used by identity-commerce.

Every listing is built from the same filtered set of active products; the page is read
with an index-ordered LIMIT, totals and facets with one aggregate over the same set.
Search is PostgreSQL full-text search (weighted tsvector, GIN) with a pg_trgm fallback for
typos: when the words match nothing, names with a similar word are returned instead.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Literal, cast

from shopkit.errors import NotFound
from shopkit.money import MoneyColumn
from shopkit.pages import one_page
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    String,
    Uuid,
    and_,
    any_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Bundle

from catalog_fulfillment.models import (
    CatalogFacetCount,
    Category,
    InventoryItem,
    Product,
    ProductImage,
    ProductView,
    Variant,
)
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE
from catalog_fulfillment.services.driver_reads import fetch_all
from catalog_fulfillment.services.listing_cache import CATALOG, PAGES, STOCK, TtlCache

Sort = Literal["relevance", "price_asc", "price_desc", "newest", "rating"]

# Upper bounds of the price bands in the facets; the last band is open-ended.
PRICE_BANDS: tuple[Decimal, ...] = tuple(
    Decimal(x) for x in ("25", "50", "100", "250", "500", "1000")
)
SEARCH_CONFIG = "english"
# Products in the sample behind an estimated total (their filters are checked one by one:
# about 5 ms at 1,000), and the fewest that still make an estimate.
ESTIMATE_SAMPLE_ROWS = 1000
ESTIMATE_MIN_SAMPLED = 200


@dataclass(frozen=True)
class ListingFilters:
    q: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False


@dataclass
class ListingAggregate:
    total: int
    categories: list[dict[str, Any]]
    price_bands: list[dict[str, Any]]
    search_text: str | None  # the words searched: the query, or its typo-corrected form
    corrected: bool = False
    estimated: bool = False  # total and facet counts estimated (see _aggregate)


@dataclass
class ListingPage:
    rows: list[dict[str, Any]]
    total: int
    facets: dict[str, Any]
    corrected_query: str | None = None
    total_estimated: bool = False
    next_cursor: str | None = None


# --- categories -----------------------------------------------------------------------


def category_node(category: Category) -> dict[str, Any]:
    """A category as a node of the tree (schemas.catalog.CategoryNode), no children yet."""
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "parent_id": category.parent_id,
        "children": [],
    }


async def category_tree(session: AsyncSession) -> list[dict[str, Any]]:
    categories = (
        await session.scalars(select(Category).order_by(Category.position, Category.name))
    ).all()
    nodes: dict[uuid.UUID, dict[str, Any]] = {c.id: category_node(c) for c in categories}
    roots: list[dict[str, Any]] = []
    for c in categories:
        if c.parent_id is not None and c.parent_id in nodes:
            nodes[c.parent_id]["children"].append(nodes[c.id])
        else:
            roots.append(nodes[c.id])
    return roots


async def category_with_descendants(session: AsyncSession, slug_or_id: str) -> list[uuid.UUID]:
    """The category (by slug or id) and everything below it, in one query; 404 if unknown."""
    try:
        is_root = Category.id == uuid.UUID(slug_or_id)
    except ValueError:
        is_root = Category.slug == slug_or_id
    tree = select(Category.id).where(is_root).cte("tree", recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    ids = list((await session.scalars(select(tree.c.id))).all())
    if not ids:
        raise NotFound("Unknown category")
    return ids


# --- listings -------------------------------------------------------------------------


def _tsquery(q: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(SEARCH_CONFIG, q)


def _sellable_variants(what: Any, product: Any = Product) -> Select[Any]:
    """`what` per active variant of `product` with stock to sell (a correlated subquery)."""
    return (
        select(what)
        .select_from(Variant)
        .join(InventoryItem, InventoryItem.sku == Variant.sku)
        .where(
            Variant.product_id == product.id,
            Variant.active,
            InventoryItem.on_hand > InventoryItem.reserved,
        )
    )


def _sellable_stock_exists(product: Any = Product) -> ColumnElement[bool]:
    return exists(_sellable_variants(literal(1), product))


def _narrowing(
    filters: ListingFilters, search_text: str | None, product: Any = Product
) -> list[ColumnElement[bool]]:
    """The conditions beyond "active, in these categories": price range, stock, words."""
    where: list[ColumnElement[bool]] = []
    if filters.min_price is not None or filters.max_price is not None:
        # A product matches when one of its variants is in the range (variants differ
        # in price: a 256 GB phone costs more than the 128 GB one).
        price_conditions = [Variant.product_id == product.id, Variant.active]
        if filters.min_price is not None:
            price_conditions.append(Variant.price >= filters.min_price)
        if filters.max_price is not None:
            price_conditions.append(Variant.price <= filters.max_price)
        where.append(exists(select(literal(1)).select_from(Variant).where(*price_conditions)))
    if filters.in_stock:
        where.append(_sellable_stock_exists(product))
    if search_text:
        where.append(product.search_vector.op("@@")(_tsquery(search_text)))
    return where


def _filtered(
    filters: ListingFilters,
    category_ids: Sequence[uuid.UUID] | None,
    search_text: str | None,
    product: Any = Product,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [product.status == PRODUCT_ACTIVE]
    if category_ids is not None:
        where.append(product.category_id.in_(category_ids))
    return where + _narrowing(filters, search_text, product)


def _order_by(sort: Sort, search_text: Any, product: Any = Product) -> list[Any]:
    """The order of a listing; `product` may be another source of the same columns."""
    if sort == "relevance" and search_text is not None:
        return [func.ts_rank_cd(product.search_vector, _tsquery(search_text)).desc(), product.id]
    if sort == "price_asc":
        return [product.min_price.asc(), product.id.asc()]
    if sort == "price_desc":
        return [product.min_price.desc(), product.id.desc()]
    if sort == "rating":
        return [product.rating_avg.desc(), product.rating_count.desc(), product.id.desc()]
    return [product.created_at.desc(), product.id.desc()]  # newest (and relevance without q)


def _band_expression(price: Any = Product.min_price) -> ColumnElement[int]:
    # the same bands as the SQL function catalog_price_band() of the facet counts
    whens = [(price < bound, index) for index, bound in enumerate(PRICE_BANDS)]
    return case(*whens, else_=len(PRICE_BANDS))


FacetRows = list[tuple[uuid.UUID, int, int]]  # (category id, price band, products)


async def _counted_rows(
    session: AsyncSession, category_ids: Sequence[uuid.UUID] | None
) -> FacetRows:
    """Active products per category and band from the trigger-kept counts: no scan."""
    query = select(
        CatalogFacetCount.category_id, CatalogFacetCount.band, CatalogFacetCount.products
    ).where(CatalogFacetCount.products > 0)
    if category_ids is not None:
        query = query.where(CatalogFacetCount.category_id.in_(category_ids))
    return [(c, b, int(n)) for c, b, n in (await session.execute(query)).all()]


async def _matching_rows(session: AsyncSession, where: list[ColumnElement[bool]]) -> FacetRows:
    """Count the matching products per category and band (exact)."""
    found = select(Product.category_id, Product.min_price).where(*where).subquery()
    band = _band_expression(found.c.min_price).label("band")
    rows = await session.execute(
        select(found.c.category_id, band, func.count()).group_by(found.c.category_id, band)
    )
    return [(c, b, int(n)) for c, b, n in rows.all()]


async def _sampled_share(
    session: AsyncSession,
    filters: ListingFilters,
    category_ids: Sequence[uuid.UUID] | None,
    population: int,
) -> float | None:
    """The share of the categories' active products that pass the price/stock filters,
    measured on about ESTIMATE_SAMPLE_ROWS of them: those whose id falls in the first
    fraction of the uuid range. Ids are random (uuid4; uuid5 for the seed), so that is a
    uniform sample, read through an index, and the same in every process. None when too
    few products were sampled to say."""
    fraction = min(1.0, ESTIMATE_SAMPLE_ROWS / max(population, 1))
    below = uuid.UUID(int=min(2**128 - 1, int(fraction * 2**128)))
    sampled, passing = (
        await session.execute(
            select(func.count(), func.count().filter(and_(*_narrowing(filters, None))))
            .select_from(Product)
            .where(*_filtered(ListingFilters(), category_ids, None), Product.id < below)
        )
    ).one()
    return passing / sampled if sampled >= ESTIMATE_MIN_SAMPLED else None


def _facets(
    rows: FacetRows, names: dict[uuid.UUID, Category]
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    total = sum(n for _, _, n in rows)
    per_category: dict[uuid.UUID, int] = {}
    per_band = [0] * (len(PRICE_BANDS) + 1)
    for category_id, band_index, n in rows:
        per_category[category_id] = per_category.get(category_id, 0) + n
        per_band[band_index] += n
    largest_first = sorted(
        (cid for cid in per_category if cid in names and per_category[cid]),
        key=lambda cid: (-per_category[cid], names[cid].name),
    )
    categories = [
        {"id": cid, "name": names[cid].name, "slug": names[cid].slug, "count": per_category[cid]}
        for cid in largest_first
    ]
    lower = (Decimal("0"), *PRICE_BANDS)
    upper: tuple[Decimal | None, ...] = (*PRICE_BANDS, None)
    bands = [
        {"min": lower[i], "max": upper[i], "count": per_band[i]}
        for i in range(len(per_band))
        if per_band[i]
    ]
    return total, categories, bands


def _about(n: int) -> int:
    """An estimate to two significant digits: 8,276 reads "about 8,300", not a false 8,276."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return round(n / scale) * scale


async def _aggregate(
    session: AsyncSession,
    filters: ListingFilters,
    category_ids: Sequence[uuid.UUID] | None,
    search_text: str | None,
    exact_limit: int,
) -> tuple[FacetRows, bool]:
    """Per-category, per-band counts of the listing, and whether they are estimates.

    - No price, stock or word filter: the trigger-kept counts (exact, no scan).
    - Words: the GIN index finds the matches; counting them exactly stays cheap.
    - Price or stock filter: the kept counts of the categories scaled by the share of a
      small sample that passes the filters. When that estimate (or the categories) is
      at most `exact_limit` products, or the sample says too little, the matches are
      counted exactly instead: a small listing always shows its true count.
    """
    narrowing = _narrowing(filters, search_text)
    if not narrowing:
        return await _counted_rows(session, category_ids), False
    where = _filtered(filters, category_ids, search_text)
    if search_text:
        return await _matching_rows(session, where), False
    population = await _counted_rows(session, category_ids)
    everyone = sum(n for _, _, n in population)
    if everyone > exact_limit:
        share = await _sampled_share(session, filters, category_ids, everyone)
        if share is not None:
            estimate = [(c, b, round(n * share)) for c, b, n in population]
            if sum(n for _, _, n in estimate) > exact_limit:
                return estimate, True
    return await _matching_rows(session, where), False


async def _category_names(session: AsyncSession, rows: FacetRows) -> dict[uuid.UUID, Category]:
    ids = {c for c, _, n in rows if n}
    if not ids:
        return {}
    found = await session.scalars(select(Category).where(Category.id.in_(ids)))
    return {c.id: c for c in found.all()}


_CORRECT_WORDS = text(
    """
    SELECT (SELECT word FROM search_terms
             WHERE word % t.token
             ORDER BY similarity(word, t.token) DESC, word
             LIMIT 1)
      FROM unnest(CAST(:tokens AS text[])) WITH ORDINALITY AS t(token, n)
     ORDER BY t.n
    """
)


async def correct_spelling(session: AsyncSession, q: str, *, threshold: float) -> str | None:
    """Replace each word of `q` by the most similar word of a product name ("lapotp" ->
    "laptop"); words with nothing similar are dropped. None when nothing changed."""
    tokens = re.findall(r"[^\W\d_]{3,}", q.lower())[:10]
    if not tokens:
        return None
    # For the connection, not the transaction: public reads run in autocommit, where a
    # local setting would end with this very statement (and the next one would use
    # pg_trgm's default). Every request of this service asks for the same threshold, so
    # leaving it on the pooled connection changes nothing for the next one.
    await session.execute(
        text("SELECT set_config('pg_trgm.similarity_threshold', :value, false)"),
        {"value": str(threshold)},
    )
    words = [w for w in (await session.scalars(_CORRECT_WORDS, {"tokens": tokens})).all() if w]
    if not words or words == tokens:
        return None
    return " ".join(words)


async def _compute_aggregate(
    session: AsyncSession,
    filters: ListingFilters,
    category_ids: Sequence[uuid.UUID] | None,
    typo_threshold: float,
    exact_limit: int,
) -> ListingAggregate:
    search_text = filters.q
    rows, estimated = await _aggregate(session, filters, category_ids, search_text, exact_limit)
    corrected = False
    if filters.q and not any(n for _, _, n in rows):
        search_text = await correct_spelling(session, filters.q, threshold=typo_threshold)
        if search_text is None:
            return ListingAggregate(0, [], [], filters.q)
        rows, estimated = await _aggregate(session, filters, category_ids, search_text, exact_limit)
        corrected = True
    total, categories, bands = _facets(rows, await _category_names(session, rows))
    if estimated:
        total = _about(total)
        for facet in (*categories, *bands):
            facet["count"] = _about(facet["count"])
    return ListingAggregate(
        total, categories, bands, search_text, corrected=corrected, estimated=estimated
    )


def _page_columns() -> tuple[Any, Any]:
    """A product's first picture and whether it has sellable stock, as per-row probes."""
    # PostgreSQL evaluates these correlated subqueries after the LIMIT, for the rows of the
    # page only, in the same round trip.
    first_image = (
        select(ProductImage.url)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position)
        .limit(literal_column("1"))
        .scalar_subquery()
    )
    # A LIMIT 1 probe, not EXISTS: the planner may turn an EXISTS in the select list into a
    # hash of every sellable sku, which costs more than the whole page.
    has_stock = func.coalesce(
        _sellable_variants(literal_column("true")).limit(literal_column("1")).scalar_subquery(),
        literal_column("false"),
    )
    return first_image, has_stock


# What a listing shows of a product and its category, as plain named tuples (Bundle):
# mapping 20 full Product objects into the session costs more than the query itself.
_PRODUCT_FIELDS = (
    "id",
    "name",
    "slug",
    "brand",
    "min_price",
    "currency",
    "rating_avg",
    "rating_count",
    "created_at",
)
_CATEGORY_FIELDS = ("id", "name", "slug")
SUMMARY_PRODUCT: Bundle[Any] = Bundle("product", *(getattr(Product, f) for f in _PRODUCT_FIELDS))
SUMMARY_CATEGORY: Bundle[Any] = Bundle(
    "category", *(getattr(Category, f) for f in _CATEGORY_FIELDS)
)


def _page_rows(result: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows of _listing_columns() (flat, as the driver returns them) as listing rows."""
    split = len(_PRODUCT_FIELDS)
    end = split + len(_CATEGORY_FIELDS)
    return [
        {
            "product": SimpleNamespace(**dict(zip(_PRODUCT_FIELDS, row[:split], strict=True))),
            "category": SimpleNamespace(**dict(zip(_CATEGORY_FIELDS, row[split:end], strict=True))),
            "image_url": row[end],
            "in_stock": row[end + 1],
        }
        for row in result
    ]


async def _ranked_page_ids(
    session: AsyncSession,
    where: list[ColumnElement[bool]],
    search_text: str,
    page: int,
    page_size: int,
) -> list[uuid.UUID]:
    ranked = await session.scalars(
        one_page(
            select(Product.id).where(*where).order_by(*_order_by("relevance", search_text)),
            page,
            page_size,
        )
    )
    return list(ranked.all())


# --- keyset pagination -------------------------------------------------------------
# A cursor is the sort key of the last product of a page: the next page starts right after
# it, through the sort index, however deep (OFFSET reads and drops every row before).

KEYSET_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("created_at", "id"),
    "price_asc": ("min_price", "id"),
    "price_desc": ("min_price", "id"),
    "rating": ("rating_avg", "rating_count", "id"),
}
_KEY_TYPES: dict[str, Any] = {
    "created_at": datetime.fromisoformat,
    "min_price": Decimal,
    "rating_avg": Decimal,
    "rating_count": int,
    "id": uuid.UUID,
}


class BadCursor(ValueError):
    """A cursor that is not one this service made for this sort."""


def encode_cursor(sort: str, product: Any) -> str:
    key = [sort, *(str(getattr(product, column)) for column in KEYSET_SORTS[sort])]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> tuple[Any, ...]:
    """The sort key in a cursor; BadCursor when it is malformed or made for another sort."""
    if sort not in KEYSET_SORTS:
        raise BadCursor("a cursor pages sort=newest, price_asc, price_desc or rating")
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        columns = KEYSET_SORTS[sort]
        if not isinstance(key, list) or key[0] != sort or len(key) != len(columns) + 1:
            raise BadCursor("this cursor belongs to another sort")
        values = tuple(_KEY_TYPES[c](v) for c, v in zip(columns, key[1:], strict=True))
    except BadCursor:
        raise
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:
        raise BadCursor("malformed cursor") from exc
    # what the columns can hold: numeric(12,2) / numeric(3,2) and a 4-byte integer
    if not all(_storable(v) for v in values):
        raise BadCursor("malformed cursor")
    return values


def _storable(value: Any) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < 10**10
    if isinstance(value, int):
        return 0 <= value < 2**31
    return True


def _after_cursor(sort: Sort, category: Any = None) -> ColumnElement[bool]:
    """Rows after the cursor's key in the sort's order: a row comparison the btree serves
    as an index condition (every column of a sort goes the same way). Within one category
    the category leads the row, as it leads that category's index."""
    columns = KEYSET_SORTS[sort]
    key = [getattr(Product, c) for c in columns]
    bound = [bindparam(f"after_{c}", type_=getattr(Product, c).type) for c in columns]
    if category is not None:
        key, bound = [Product.category_id, *key], [category, *bound]
    if sort == "price_asc":
        return tuple_(*key) > tuple_(*bound)
    return tuple_(*key) < tuple_(*bound)


@dataclass(frozen=True)
class _FilterShape:
    """Which filters a listing has, not their values: one page statement per shape."""

    category: bool
    min_price: bool
    max_price: bool
    in_stock: bool
    words: bool
    keyset: bool = False

    @classmethod
    def of(
        cls,
        filters: ListingFilters,
        category_ids: Sequence[uuid.UUID] | None,
        search_text: str | None,
        keyset: bool = False,
    ) -> _FilterShape:
        return cls(
            category_ids is not None,
            filters.min_price is not None,
            filters.max_price is not None,
            filters.in_stock,
            bool(search_text),
            keyset,
        )


def _page_params(
    filters: ListingFilters, category_ids: Sequence[uuid.UUID] | None, search_text: str | None
) -> dict[str, Any]:
    return {
        "category_ids": list(category_ids or []),
        "min_price": filters.min_price,
        "max_price": filters.max_price,
        "words": search_text,
    }


def _listing_columns() -> Select[Any]:
    first_image, has_stock = _page_columns()
    return select(SUMMARY_PRODUCT, SUMMARY_CATEGORY, first_image, has_stock).join(
        Category, Category.id == Product.category_id
    )


@functools.cache  # 5 sorts x 64 filter shapes at most: every one kept (driver_reads too)
def _page_statement(sort: Sort, shape: _FilterShape) -> Select[Any]:
    """The page query of a sort and filter shape, values bound at execution. Building a
    statement of this size costs more Python than running it, so it is built once.

    The page's ids come first, then their rows and probes: the probes then run for the
    rows shown, not for every row the OFFSET skips (100 on page 5)."""
    placeholders = ListingFilters(
        min_price=cast(Any, bindparam("min_price", type_=MoneyColumn)) if shape.min_price else None,
        max_price=cast(Any, bindparam("max_price", type_=MoneyColumn)) if shape.max_price else None,
        in_stock=shape.in_stock,
    )
    words = cast(Any, bindparam("words", type_=String)) if shape.words else None
    narrowing = _narrowing(placeholders, words)
    order = _order_by(sort, words)
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    active = Product.status == literal_column(f"'{PRODUCT_ACTIVE}'")
    if shape.category and not shape.words:
        # A category and its subcategories: the best `offset + limit` of each category
        # from its own (category, sort key) index, then the page from those. One plan
        # shape whatever the number of categories; `= ANY(categories)` over the global
        # sort index would instead read past every product of the other categories
        # (78k rows before the first laptop by price).
        listed = (
            func.unnest(bindparam("category_ids", type_=ARRAY(Uuid)))
            .table_valued("id")
            .render_derived(name="listed")
        )
        best = (
            select(
                Product.id,
                Product.created_at,
                Product.min_price,
                Product.rating_avg,
                Product.rating_count,
            )
            .where(Product.category_id == listed.c.id, active)
            .where(*narrowing)
            .where(*([_after_cursor(sort, listed.c.id)] if shape.keyset else []))
            .order_by(*order)
            .limit(offset + limit)
            .lateral("best")
        )
        page_ids = (
            select(best.c.id)
            .select_from(listed)
            .join(best, true())
            .order_by(*_order_by(sort, None, best.c))
            .limit(limit)
            .offset(offset)
        )
    else:
        where: list[ColumnElement[bool]] = [active, *narrowing]
        if shape.keyset:
            where.append(_after_cursor(sort))
        if shape.category:
            where.append(Product.category_id == any_(bindparam("category_ids", type_=ARRAY(Uuid))))
        page_ids = select(Product.id).where(*where).order_by(*order).limit(limit).offset(offset)
    return _listing_columns().where(Product.id.in_(page_ids.scalar_subquery())).order_by(*order)


# The rows of a search page whose order (ids) was ranked before.
_RANKED_PAGE = _listing_columns().where(
    Product.id == any_(bindparam("ids", type_=ARRAY(Uuid))), Product.status == PRODUCT_ACTIVE
)


async def list_products(
    session: AsyncSession,
    *,
    filters: ListingFilters,
    sort: Sort,
    page: int,
    page_size: int,
    cache: TtlCache[Any],
    ranking_cache: TtlCache[Any],
    typo_threshold: float,
    exact_limit: int = 1000,
    cursor: str | None = None,
) -> ListingPage:
    """One page of a listing, by page number or, with `cursor` (a listing's next_cursor),
    the page after that product. BadCursor for a cursor of another sort or a relevance
    ranking, which pages by number only."""
    if sort == "relevance" and not filters.q:
        sort = "newest"  # what relevance means without words
    after = decode_cursor(sort, cursor) if cursor is not None else None
    category_ids = None
    if filters.category:
        slug = filters.category
        category_ids = await cache.get_or_compute(
            ("category", slug), lambda: category_with_descendants(session, slug), tags=(CATALOG,)
        )

    # Totals and facets depend on stock only through the in-stock filter.
    aggregate: ListingAggregate = await cache.get_or_compute(
        ("aggregate", filters),
        lambda: _compute_aggregate(session, filters, category_ids, typo_threshold, exact_limit),
        tags=(CATALOG, STOCK) if filters.in_stock else (CATALOG,),
    )
    rows: list[dict[str, Any]] = []
    # (an estimated total may be a little low: then ask for the page anyway)
    if aggregate.total and (
        aggregate.estimated or after is not None or (page - 1) * page_size < aggregate.total
    ):
        search_text = aggregate.search_text
        params = _page_params(filters, category_ids, search_text)
        if sort == "relevance" and search_text:
            if after is not None:
                raise BadCursor("a relevance ranking pages by number only")
            # Ranking every match of a common word ("laptop": 4,000 products) is the one
            # expensive step of a search; the order of a page is kept like the totals, the
            # products themselves (price, stock, archiving) are read fresh.
            where = _filtered(filters, category_ids, search_text)
            ids: list[uuid.UUID] = await ranking_cache.get_or_compute(
                ("ranking", filters, page, page_size),
                lambda: _ranked_page_ids(session, where, search_text, page, page_size),
                tags=(CATALOG,),
            )
            _, found = await fetch_all(session, _RANKED_PAGE, {"ids": ids})
            position = {product_id: n for n, product_id in enumerate(ids)}
            rows = _page_rows(sorted(found, key=lambda row: position[row[0]]))
        else:
            shape = _FilterShape.of(filters, category_ids, search_text, after is not None)
            params |= {"limit": page_size, "offset": (page - 1) * page_size}
            if after is not None:
                columns = KEYSET_SORTS[sort]
                keys = {f"after_{c}": v for c, v in zip(columns, after, strict=True)}
                params |= {"offset": 0, **keys}
            _, found = await fetch_all(session, _page_statement(sort, shape), params)
            rows = _page_rows(found)
    return ListingPage(
        rows=rows,
        total=aggregate.total,
        facets={"categories": aggregate.categories, "price_bands": aggregate.price_bands},
        corrected_query=aggregate.search_text if aggregate.corrected else None,
        total_estimated=aggregate.estimated,
        next_cursor=(
            encode_cursor(sort, rows[-1]["product"])
            if len(rows) == page_size and sort in KEYSET_SORTS
            else None
        ),
    )


async def first_images(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not product_ids:
        return {}
    rows = await session.execute(
        select(ProductImage.product_id, ProductImage.url)
        .where(ProductImage.product_id.in_(product_ids))
        .order_by(ProductImage.product_id, ProductImage.position)
        .ext(distinct_on(ProductImage.product_id))
    )
    return {pid: url for pid, url in rows}


async def products_in_stock(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    if not product_ids:
        return set()
    rows = await session.scalars(
        select(Variant.product_id)
        .join(InventoryItem, InventoryItem.sku == Variant.sku)
        .where(
            Variant.product_id.in_(product_ids),
            Variant.active,
            InventoryItem.on_hand > InventoryItem.reserved,
        )
        .distinct()
    )
    return set(rows.all())


# --- detail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRecord:
    """A product as stored, without its stock: what a product detail may keep cached."""

    product: Product
    category: Category
    images: list[ProductImage]
    variants: list[Variant]


async def load_product(
    session: AsyncSession, *, id_or_slug: str, include_archived: bool = False
) -> ProductRecord:
    query = select(Product, Category).join(Category, Category.id == Product.category_id)
    try:
        query = query.where(Product.id == uuid.UUID(id_or_slug))
    except ValueError:
        query = query.where(Product.slug == id_or_slug)
    if not include_archived:
        query = query.where(Product.status == PRODUCT_ACTIVE)
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise NotFound("No such product")
    product, category = row
    images = list(
        (
            await session.scalars(
                select(ProductImage)
                .where(ProductImage.product_id == product.id)
                .order_by(ProductImage.position)
            )
        ).all()
    )
    variant_query = (
        select(Variant)
        .where(Variant.product_id == product.id)
        .order_by(Variant.position, Variant.sku)
    )
    if not include_archived:
        variant_query = variant_query.where(Variant.active)
    variants = list((await session.scalars(variant_query)).all())
    return ProductRecord(product, category, images, variants)


async def available_units(session: AsyncSession, skus: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Units available and the reorder level per sku right now (a sku without an
    inventory row has none and no reorder level)."""
    if not skus:
        return {}
    _, rows = await fetch_all(session, _AVAILABLE_UNITS, {"skus": list(skus)})
    return {sku: (int(available), int(reorder)) for sku, available, reorder in rows}


# `= ANY(array)` rather than IN: one statement text whatever the number of skus, so it is
# compiled once and prepared by the driver.
_AVAILABLE_UNITS = select(
    InventoryItem.sku, InventoryItem.on_hand - InventoryItem.reserved, InventoryItem.reorder_level
).where(InventoryItem.sku == any_(bindparam("skus", type_=ARRAY(String))))


async def get_product(
    session: AsyncSession,
    *,
    id_or_slug: str,
    include_archived: bool = False,
    cache: TtlCache[Any] | None = None,
) -> ProductView:
    """The product with its images and variants and each variant's available units. With
    `cache`, the product itself may come from the cache (a write to it empties that
    entry in every process); the units are read on every call: stock moves with every
    checkout, and notifying each movement would serialise them (migration 0005)."""

    def load() -> Any:
        return load_product(session, id_or_slug=id_or_slug, include_archived=include_archived)

    if cache is None:
        record = await load()
    else:
        record = await cache.get_or_compute(
            ("product", id_or_slug, include_archived), load, tags=(CATALOG, PAGES)
        )
    available = await available_units(session, [v.sku for v in record.variants])
    return ProductView(
        record.product,
        record.category,
        record.images,
        [(v, *available.get(v.sku, (0, 0))) for v in record.variants],
    )


# --- variant lookup (identity-commerce: cart and checkout) ------------------------------


async def lookup_variants(session: AsyncSession, skus: Sequence[str]) -> list[dict[str, Any]]:
    if not skus:
        return []
    rows = (
        await session.execute(
            select(
                Variant,
                Product,
                func.coalesce(InventoryItem.on_hand - InventoryItem.reserved, 0),
                func.coalesce(InventoryItem.reorder_level, 0),
            )
            .join(Product, Product.id == Variant.product_id)
            .outerjoin(InventoryItem, InventoryItem.sku == Variant.sku)
            .where(Variant.sku.in_(list(skus)))
            .order_by(Variant.sku)
        )
    ).all()
    images = await first_images(session, list({p.id for _, p, _, _ in rows}))
    return [
        {
            "variant": variant,
            "product": product,
            "available": int(available),
            "reorder_level": int(reorder_level),
            "active": variant.active and product.status == PRODUCT_ACTIVE,
            "image_url": images.get(product.id),
        }
        for variant, product, available, reorder_level in rows
    ]
