"""Read side of the catalog: category tree, listings with search/filters/sorts/facets,
product detail and the variant lookup used by identity-commerce.

Every listing is built from the same filtered set of active products; the page is read
with an index-ordered LIMIT, totals and facets with one aggregate over the same set.
Search is PostgreSQL full-text search (weighted tsvector, GIN) with a pg_trgm fallback for
typos: when the words match nothing, names with a similar word are returned instead.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from shopkit.errors import NotFound
from sqlalchemy import (
    ColumnElement,
    case,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Category, InventoryItem, Product, ProductImage, Variant
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE
from catalog_fulfillment.services.listing_cache import TtlCache

Sort = Literal["relevance", "price_asc", "price_desc", "newest", "rating"]

# Upper bounds of the price bands in the facets; the last band is open-ended.
PRICE_BANDS: tuple[Decimal, ...] = tuple(
    Decimal(x) for x in ("25", "50", "100", "250", "500", "1000")
)
SEARCH_CONFIG = "english"


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


@dataclass
class ListingPage:
    rows: list[dict[str, Any]]
    total: int
    facets: dict[str, Any]
    corrected_query: str | None = None


# --- categories -----------------------------------------------------------------------


async def category_tree(session: AsyncSession) -> list[dict[str, Any]]:
    categories = (
        await session.scalars(select(Category).order_by(Category.position, Category.name))
    ).all()
    nodes = {
        c.id: {
            "id": c.id,
            "name": c.name,
            "slug": c.slug,
            "description": c.description,
            "parent_id": c.parent_id,
            "children": [],
        }
        for c in categories
    }
    roots = []
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


def _fts_match(q: str) -> ColumnElement[bool]:
    return Product.search_vector.op("@@")(_tsquery(q))


def _sellable_stock_exists() -> ColumnElement[bool]:
    return exists(
        select(literal(1))
        .select_from(Variant)
        .join(InventoryItem, InventoryItem.sku == Variant.sku)
        .where(
            Variant.product_id == Product.id,
            Variant.active,
            InventoryItem.on_hand > InventoryItem.reserved,
        )
    )


def _filtered(
    filters: ListingFilters, category_ids: Sequence[uuid.UUID] | None, search_text: str | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Product.status == PRODUCT_ACTIVE]
    if category_ids is not None:
        where.append(Product.category_id.in_(category_ids))
    if filters.min_price is not None or filters.max_price is not None:
        # A product matches when one of its variants is in the range (variants differ
        # in price: a 256 GB phone costs more than the 128 GB one).
        price_conditions = [Variant.product_id == Product.id, Variant.active]
        if filters.min_price is not None:
            price_conditions.append(Variant.price >= filters.min_price)
        if filters.max_price is not None:
            price_conditions.append(Variant.price <= filters.max_price)
        where.append(exists(select(literal(1)).select_from(Variant).where(*price_conditions)))
    if filters.in_stock:
        where.append(_sellable_stock_exists())
    if search_text:
        where.append(_fts_match(search_text))
    return where


def _order_by(sort: Sort, search_text: str | None) -> list[Any]:
    if sort == "relevance" and search_text:
        return [func.ts_rank_cd(Product.search_vector, _tsquery(search_text)).desc(), Product.id]
    if sort == "price_asc":
        return [Product.min_price.asc(), Product.id.asc()]
    if sort == "price_desc":
        return [Product.min_price.desc(), Product.id.desc()]
    if sort == "rating":
        return [Product.rating_avg.desc(), Product.rating_count.desc(), Product.id.desc()]
    return [Product.created_at.desc(), Product.id.desc()]  # newest (and relevance without q)


def _band_expression() -> ColumnElement[int]:
    whens = [(Product.min_price < bound, index) for index, bound in enumerate(PRICE_BANDS)]
    return case(*whens, else_=len(PRICE_BANDS))


async def _aggregate(
    session: AsyncSession, where: list[ColumnElement[bool]]
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    band = _band_expression().label("band")
    rows = (
        await session.execute(
            select(Product.category_id, band, func.count().label("n"))
            .where(*where)
            .group_by(Product.category_id, band)
        )
    ).all()
    total = sum(n for _, _, n in rows)
    per_category: dict[uuid.UUID, int] = {}
    per_band = [0] * (len(PRICE_BANDS) + 1)
    for category_id, band_index, n in rows:
        per_category[category_id] = per_category.get(category_id, 0) + n
        per_band[band_index] += n
    names = {}
    if per_category:
        names = {
            c.id: c
            for c in (
                await session.scalars(select(Category).where(Category.id.in_(per_category)))
            ).all()
        }
    largest_first = sorted(
        (cid for cid in per_category if cid in names),
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
    # SET LOCAL: only this request's transaction uses the lower threshold.
    await session.execute(
        text("SELECT set_config('pg_trgm.similarity_threshold', :value, true)"),
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
) -> ListingAggregate:
    total, categories, bands = await _aggregate(
        session, _filtered(filters, category_ids, filters.q)
    )
    if total or not filters.q:
        return ListingAggregate(total, categories, bands, filters.q)
    corrected = await correct_spelling(session, filters.q, threshold=typo_threshold)
    if corrected is None:
        return ListingAggregate(0, [], [], filters.q)
    total, categories, bands = await _aggregate(
        session, _filtered(filters, category_ids, corrected)
    )
    return ListingAggregate(total, categories, bands, corrected, corrected=True)


def _page_columns() -> tuple[Any, Any]:
    """A product's first picture and whether it has sellable stock, as per-row probes."""
    # PostgreSQL evaluates these correlated subqueries after the LIMIT, for the rows of the
    # page only, in the same round trip.
    first_image = (
        select(ProductImage.url)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position)
        .limit(1)
        .scalar_subquery()
    )
    # A LIMIT 1 probe, not EXISTS: the planner may turn an EXISTS in the select list into a
    # hash of every sellable sku, which costs more than the whole page.
    has_stock = func.coalesce(
        select(literal(True))
        .select_from(Variant)
        .join(InventoryItem, InventoryItem.sku == Variant.sku)
        .where(
            Variant.product_id == Product.id,
            Variant.active,
            InventoryItem.on_hand > InventoryItem.reserved,
        )
        .limit(1)
        .scalar_subquery(),
        False,
    )
    return first_image, has_stock


def _page_rows(result: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"product": product, "category": category, "image_url": image, "in_stock": in_stock}
        for product, category, image, in_stock in result
    ]


async def _ranked_page_ids(
    session: AsyncSession,
    where: list[ColumnElement[bool]],
    search_text: str,
    page: int,
    page_size: int,
) -> list[uuid.UUID]:
    ranked = await session.scalars(
        select(Product.id)
        .where(*where)
        .order_by(*_order_by("relevance", search_text))
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return list(ranked.all())


async def list_products(
    session: AsyncSession,
    *,
    filters: ListingFilters,
    sort: Sort,
    page: int,
    page_size: int,
    cache: TtlCache[ListingAggregate],
    ranking_cache: TtlCache[list[uuid.UUID]],
    typo_threshold: float,
) -> ListingPage:
    category_ids = None
    if filters.category:
        category_ids = await category_with_descendants(session, filters.category)

    aggregate = await cache.get_or_compute(
        filters, lambda: _compute_aggregate(session, filters, category_ids, typo_threshold)
    )
    rows: list[dict[str, Any]] = []
    if aggregate.total and (page - 1) * page_size < aggregate.total:
        first_image, has_stock = _page_columns()
        where = _filtered(filters, category_ids, aggregate.search_text)
        base = select(Product, Category, first_image, has_stock).join(
            Category, Category.id == Product.category_id
        )
        if sort == "relevance" and aggregate.search_text:
            # Ranking every match of a common word ("laptop": 4,000 products) is the one
            # expensive step of a search; the order of a page is kept like the totals, the
            # products themselves (price, stock, archiving) are read fresh.
            search_text = aggregate.search_text
            ids = await ranking_cache.get_or_compute(
                (filters, page, page_size),
                lambda: _ranked_page_ids(session, where, search_text, page, page_size),
            )
            found = (
                await session.execute(
                    base.where(Product.id.in_(ids), Product.status == PRODUCT_ACTIVE)
                )
            ).all()
            position = {product_id: n for n, product_id in enumerate(ids)}
            rows = _page_rows(sorted(found, key=lambda row: position[row[0].id]))
        else:
            query = (
                base.where(*where)
                .order_by(*_order_by(sort, aggregate.search_text))
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
            rows = _page_rows((await session.execute(query)).all())
    return ListingPage(
        rows=rows,
        total=aggregate.total,
        facets={"categories": aggregate.categories, "price_bands": aggregate.price_bands},
        corrected_query=aggregate.search_text if aggregate.corrected else None,
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


@dataclass
class ProductView:
    product: Product
    category: Category
    images: list[ProductImage]
    variants: list[tuple[Variant, int, int]]  # (variant, available units, reorder level)


async def get_product(
    session: AsyncSession, *, id_or_slug: str, include_archived: bool = False
) -> ProductView:
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
        select(
            Variant,
            func.coalesce(InventoryItem.on_hand - InventoryItem.reserved, 0),
            func.coalesce(InventoryItem.reorder_level, 0),
        )
        .outerjoin(InventoryItem, InventoryItem.sku == Variant.sku)
        .where(Variant.product_id == product.id)
        .order_by(Variant.position, Variant.sku)
    )
    if not include_archived:
        variant_query = variant_query.where(Variant.active)
    variants = [(v, int(a), int(r)) for v, a, r in (await session.execute(variant_query)).all()]
    return ProductView(product, category, images, variants)


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
