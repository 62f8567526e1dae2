"""Public catalog: category tree, listing filters/sorts/pagination/facets, search with
typos, product detail and the variant lookup used by identity-commerce."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from catalog_fulfillment.models import InventoryItem, Product, Variant
from shopkit.db import utcnow
from sqlalchemy import update

from tests.factories import make_category, make_product, unique


async def test_category_tree_nests_children(client, db_session) -> None:
    root = await make_category(db_session, name="Electronics")
    child = await make_category(db_session, name="Laptops", parent=root)
    grandchild = await make_category(db_session, name="Gaming laptops", parent=child)
    response = await client.get("/catalog/categories")
    assert response.status_code == 200
    [node] = [n for n in response.json() if n["id"] == str(root.id)]
    assert node["parent_id"] is None
    [laptops] = node["children"]
    assert (laptops["slug"], laptops["parent_id"]) == (child.slug, str(root.id))
    assert laptops["children"][0]["id"] == str(grandchild.id)
    assert laptops["children"][0]["children"] == []


async def test_listing_item_shape(client, db_session) -> None:
    sku_cheap, sku_dear = unique("A"), unique("B")
    product = await make_product(
        db_session,
        stock={sku_cheap: 0, sku_dear: 3},
        prices={sku_cheap: "19.90", sku_dear: "29.00"},
    )
    response = await client.get("/catalog/products")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["page_size"]) == (1, 1, 20)
    [item] = body["items"]
    assert item == {
        "id": str(product.id),
        "name": product.name,
        "slug": product.slug,
        "brand": None,
        "price": "19.90",
        "currency": "USD",
        "image_url": "http://catalog.test/static/products/generic.svg",
        "category": item["category"],
        "rating_avg": 0.0,
        "rating_count": 0,
        "in_stock": True,
    }
    assert set(item["category"]) == {"id", "name", "slug"}


async def test_archived_products_vanish_from_listing_search_and_detail(client, db_session) -> None:
    archived = await make_product(
        db_session, name="Retired Walkman Cassette Player", status="archived"
    )
    await make_product(db_session, name="Modern Walkman Streaming Player")
    listing = (await client.get("/catalog/products")).json()
    assert [i["name"] for i in listing["items"]] == ["Modern Walkman Streaming Player"]
    found = (await client.get("/catalog/search", params={"q": "walkman"})).json()
    assert [i["name"] for i in found["items"]] == ["Modern Walkman Streaming Player"]
    assert (await client.get(f"/catalog/products/{archived.id}")).status_code == 404


async def test_category_filter_includes_subcategories(client, db_session) -> None:
    root = await make_category(db_session, name="Audio")
    sub = await make_category(db_session, name="Headphones", parent=root)
    other = await make_category(db_session, name="Kitchen")
    in_root = await make_product(db_session, category=root)
    in_sub = await make_product(db_session, category=sub)
    await make_product(db_session, category=other)
    for key in (root.slug, str(root.id)):
        body = (await client.get("/catalog/products", params={"category": key})).json()
        assert {i["id"] for i in body["items"]} == {str(in_root.id), str(in_sub.id)}
        assert body["total"] == 2
    only_sub = (await client.get("/catalog/products", params={"category": sub.slug})).json()
    assert [i["id"] for i in only_sub["items"]] == [str(in_sub.id)]
    assert (
        await client.get("/catalog/products", params={"category": "no-such"})
    ).status_code == 404


async def test_price_filter_looks_at_every_variant(client, db_session) -> None:
    a, b = unique("A"), unique("B")
    phone = await make_product(db_session, stock={a: 1, b: 1}, prices={a: "699.00", b: "899.00"})
    cheap = await make_product(db_session, prices={}, stock={unique("C"): 1})  # 10.00

    async def ids(**params: str) -> set[str]:
        body = (await client.get("/catalog/products", params=params)).json()
        return {i["id"] for i in body["items"]}

    assert await ids(min_price="800", max_price="900") == {str(phone.id)}
    assert await ids(max_price="10.00") == {str(cheap.id)}
    assert await ids(min_price="700", max_price="800") == set()
    assert await ids(min_price="5") == {str(phone.id), str(cheap.id)}


async def test_in_stock_filter(client, db_session) -> None:
    sold_out_sku, held_sku = unique("S"), unique("H")
    sold_out = await make_product(db_session, stock={sold_out_sku: 0})
    all_held = await make_product(db_session, stock={held_sku: 2})
    available = await make_product(db_session, stock={unique("OK"): 5})
    await db_session.execute(
        update(InventoryItem).where(InventoryItem.sku == held_sku).values(reserved=2)
    )
    body = (await client.get("/catalog/products", params={"in_stock": "true"})).json()
    assert [i["id"] for i in body["items"]] == [str(available.id)]
    everything = (await client.get("/catalog/products")).json()
    flags = {i["id"]: i["in_stock"] for i in everything["items"]}
    assert flags == {str(sold_out.id): False, str(all_held.id): False, str(available.id): True}


async def test_sorts(client, db_session) -> None:
    now = utcnow()
    specs = [
        ("Old", "30.00", "4.50", 2, 3),
        ("Mid", "10.00", "3.00", 9, 2),
        ("New", "20.00", "4.90", 1, 1),
    ]
    made = {}
    for name, price, rating, count, age_days in specs:
        sku = unique(name)
        product = await make_product(
            db_session, name=unique(name), stock={sku: 1}, prices={sku: price}
        )
        await db_session.execute(
            update(Product)
            .where(Product.id == product.id)
            .values(
                rating_avg=Decimal(rating),
                rating_count=count,
                created_at=now - timedelta(days=age_days),
            )
        )
        made[product.id] = name

    async def order(sort: str) -> list[str]:
        body = (await client.get("/catalog/products", params={"sort": sort})).json()
        return [made[uuid.UUID(i["id"])] for i in body["items"]]

    assert await order("price_asc") == ["Mid", "New", "Old"]
    assert await order("price_desc") == ["Old", "New", "Mid"]
    assert await order("newest") == ["New", "Mid", "Old"]
    assert await order("relevance") == ["New", "Mid", "Old"]  # without q: newest
    assert await order("rating") == ["New", "Old", "Mid"]


async def test_pagination_and_total(client, db_session) -> None:
    for _ in range(5):
        await make_product(db_session)
    first = (await client.get("/catalog/products", params={"page_size": 2})).json()
    third = (await client.get("/catalog/products", params={"page_size": 2, "page": 3})).json()
    beyond = (await client.get("/catalog/products", params={"page_size": 2, "page": 4})).json()
    assert (first["total"], len(first["items"])) == (5, 2)
    assert (third["total"], len(third["items"]), third["page"]) == (5, 1, 3)
    assert beyond["items"] == [] and beyond["total"] == 5
    seen = {i["id"] for i in first["items"]} | {i["id"] for i in third["items"]}
    assert len(seen) == 3


async def test_facets_count_categories_and_price_bands(client, db_session) -> None:
    shoes = await make_category(db_session, name="Shoes")
    bags = await make_category(db_session, name="Bags")
    for price, category in (
        ("19.00", shoes),
        ("45.00", shoes),
        ("49.99", bags),
        ("1200.00", bags),
        ("60.00", bags),
    ):
        sku = unique("F")
        await make_product(db_session, category=category, stock={sku: 1}, prices={sku: price})
    facets = (await client.get("/catalog/products")).json()["facets"]
    assert [(c["slug"], c["count"]) for c in facets["categories"]] == [
        (bags.slug, 3),
        (shoes.slug, 2),
    ]
    assert facets["price_bands"] == [
        {"min": "0.00", "max": "25.00", "count": 1},
        {"min": "25.00", "max": "50.00", "count": 2},
        {"min": "50.00", "max": "100.00", "count": 1},
        {"min": "1000.00", "max": None, "count": 1},
    ]
    filtered = (await client.get("/catalog/products", params={"category": shoes.slug})).json()
    assert filtered["facets"]["categories"] == [
        {"id": str(shoes.id), "name": "Shoes", "slug": shoes.slug, "count": 2}
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"sort": "cheapest"},
        {"min_price": "-1"},
        {"min_price": "abc"},
        {"min_price": "1.999"},
        {"in_stock": "maybe"},
        {"q": "x" * 201},
    ],
)
async def test_listing_rejects_bad_parameters(client, params) -> None:
    response = await client.get("/catalog/products", params=params)
    assert response.status_code == 422, response.text


async def test_price_filters_as_the_schema_states_them(client, db_session) -> None:
    await make_product(db_session, prices={unique("P"): "20.00"})
    # an empty bound is no bound (an HTML form sends empty fields)
    unbounded = await client.get("/catalog/products", params={"min_price": "", "max_price": ""})
    assert unbounded.status_code == 200, unbounded.text
    assert unbounded.json()["total"] >= 1
    # a range nothing can be in is an empty page, not an error
    empty = await client.get("/catalog/products", params={"min_price": "50", "max_price": "10"})
    assert empty.status_code == 200, empty.text
    assert (empty.json()["total"], empty.json()["items"]) == (0, [])
    for bad in ("1e3", " 5", "+5", "5.", "12345678901"):
        response = await client.get("/catalog/search", params={"q": "x", "max_price": bad})
        assert response.status_code == 422, bad


async def test_search_ranks_name_above_description(client, db_session) -> None:
    in_description = await make_product(
        db_session, name="Travel Backpack 30L", description="Padded sleeve fits a 16 inch laptop."
    )
    in_name = await make_product(
        db_session, name="Laptop Sleeve 14 inch", description="Neoprene sleeve."
    )
    await make_product(db_session, name="Ceramic Mug", description="Holds 350 ml of coffee.")
    body = (await client.get("/catalog/search", params={"q": "laptop"})).json()
    assert [i["id"] for i in body["items"]] == [str(in_name.id), str(in_description.id)]
    assert body["total"] == 2
    assert body["corrected_query"] is None
    assert body["typo_corrected"] is False


async def test_search_understands_stems_and_phrases(client, db_session) -> None:
    boots = await make_product(
        db_session, name="Waterproof Hiking Boots", description="Leather uppers."
    )
    await make_product(
        db_session, name="Running Shoes", description="Light mesh for hiking trails? No, roads."
    )
    body = (await client.get("/catalog/search", params={"q": "hiking boot"})).json()
    assert [i["id"] for i in body["items"]] == [str(boots.id)]
    excluded = (await client.get("/catalog/search", params={"q": "hiking -boots"})).json()
    assert str(boots.id) not in {i["id"] for i in excluded["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lapotp", "Laptop"),
        ("hedphones", "Headphones"),
        ("macbok air", "Laptop"),
        ("kettel", "Kettle"),
    ],
)
async def test_search_tolerates_typos(client, db_session, query, expected) -> None:
    names = {
        "Laptop": "Apple MacBook Air 13 Laptop",
        "Headphones": "Sony WH-1000XM5 Wireless Headphones",
        "Kettle": "Electric Kettle 1.7 L",
    }
    corrections = {
        "lapotp": "laptop",
        "hedphones": "headphones",
        "macbok air": "macbook air",
        "kettel": "kettle",
    }
    made = {key: await make_product(db_session, name=name) for key, name in names.items()}
    await make_product(db_session, name="Logitech Pebble Mouse")
    body = (await client.get("/catalog/search", params={"q": query})).json()
    assert body["items"], body
    assert body["items"][0]["id"] == str(made[expected].id)
    assert body["corrected_query"] == corrections[query]
    assert body["typo_corrected"] is True
    assert str(made["Kettle" if expected != "Kettle" else "Laptop"].id) not in {
        i["id"] for i in body["items"]
    }


async def test_search_with_filters_and_nothing_found(client, db_session) -> None:
    cheap_sku, dear_sku = unique("C"), unique("D")
    await make_product(
        db_session, name="Steel Water Bottle", stock={cheap_sku: 1}, prices={cheap_sku: "15.00"}
    )
    dear = await make_product(
        db_session, name="Titanium Water Bottle", stock={dear_sku: 1}, prices={dear_sku: "60.00"}
    )
    body = (await client.get("/catalog/search", params={"q": "bottle", "min_price": "50"})).json()
    assert [i["id"] for i in body["items"]] == [str(dear.id)]
    nothing = (await client.get("/catalog/search", params={"q": "zzqqxx"})).json()
    assert (nothing["items"], nothing["total"]) == ([], 0)
    punctuation = await client.get("/catalog/search", params={"q": "!!! ???"})
    assert punctuation.status_code == 200 and punctuation.json()["total"] == 0
    assert (await client.get("/catalog/search")).status_code == 422
    assert (await client.get("/catalog/search", params={"q": ""})).status_code == 422


async def test_product_detail_by_id_and_slug(client, db_session) -> None:
    a, b, retired = unique("A"), unique("B"), unique("R")
    product = await make_product(
        db_session, stock={a: 4, b: 0, retired: 9}, prices={a: "5.50", b: "7.00", retired: "1.00"}
    )
    await db_session.execute(update(Variant).where(Variant.sku == retired).values(active=False))
    await db_session.execute(update(InventoryItem).where(InventoryItem.sku == a).values(reserved=1))
    for key in (str(product.id), product.slug):
        response = await client.get(f"/catalog/products/{key}")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == str(product.id)
        assert [
            (v["sku"], v["price"], v["available"], v["stock_level"], v["in_stock"])
            for v in body["variants"]
        ] == [
            (a, "5.50", None, "in_stock", True),
            (b, "7.00", None, "out_of_stock", False),
        ]
        assert body["images"][0]["url"] == "http://catalog.test/static/products/generic.svg"
        assert body["category"]["id"] == str(product.category_id)
        assert body["in_stock"] is True
    assert (await client.get(f"/catalog/products/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/catalog/products/no-such-slug")).status_code == 404


async def test_variant_lookup(client, db_session, tokens) -> None:
    live, old = unique("LIVE"), unique("OLD")
    product = await make_product(db_session, stock={live: 6}, prices={live: "12.34"})
    archived = await make_product(db_session, stock={old: 3}, status="archived")
    await db_session.execute(
        update(InventoryItem).where(InventoryItem.sku == live).values(reserved=2)
    )
    response = await client.get(
        "/catalog/variants",
        params={"skus": f"{live}, {old},NOPE-{uuid.uuid4().hex[:6]}"},
        headers={"Authorization": f"Bearer {tokens.service()}"},  # as identity-commerce asks
    )
    assert response.status_code == 200
    items = {i["sku"]: i for i in response.json()["items"]}
    assert set(items) == {live, old}
    assert items[live] == {
        "sku": live,
        "variant_id": items[live]["variant_id"],
        "product_id": str(product.id),
        "product_name": product.name,
        "variant_name": f"{product.name} {live}",
        "attributes": {"colour": "black"},
        "price": "12.34",
        "currency": "USD",
        "image_url": "http://catalog.test/static/products/generic.svg",
        "active": True,
        "available": 4,
        "stock_level": "in_stock",
    }
    assert (
        items[old]["active"],
        items[old]["available"],
        items[old]["stock_level"],
        items[old]["product_id"],
    ) == (False, 0, "out_of_stock", str(archived.id))


async def test_public_reads_show_stock_levels_and_only_staff_and_services_see_counts(
    client, db_session, tokens, tmp_path
) -> None:
    plenty, few, none = unique("PLENTY"), unique("FEW"), unique("NONE")
    product = await make_product(db_session, stock={plenty: 40, few: 9, none: 2}, reorder_level=5)
    # 9 on hand, 4 held by a checkout: 5 left, at the reorder level. 2 on hand, 2 held: none.
    await db_session.execute(
        update(InventoryItem).where(InventoryItem.sku == few).values(reserved=4)
    )
    await db_session.execute(
        update(InventoryItem).where(InventoryItem.sku == none).values(reserved=2)
    )
    levels = {plenty: "in_stock", few: "low_stock", none: "out_of_stock"}
    counts = {plenty: 40, few: 5, none: 0}

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    public_views = {
        "anonymous": {},
        "customer": bearer(tokens.customer()),
        # A service sees counts only with inventory:read.
        "service without inventory:read": bearer(tokens.service(scopes={"reviews:write"})),
        "notifications service": bearer(tokens.service("notifications")),
        **{f"bad token ({name})": bearer(t) for name, t in tokens.bad_tokens(tmp_path).items()},
    }
    exact_views = {"service": bearer(tokens.service()), "admin": bearer(tokens.admin())}
    skus = ",".join(levels)
    for who, headers in {**public_views, **exact_views}.items():
        exact = who in exact_views
        lookup = await client.get("/catalog/variants", params={"skus": skus}, headers=headers)
        detail = await client.get(f"/catalog/products/{product.id}", headers=headers)
        assert (lookup.status_code, detail.status_code) == (200, 200), who
        for variants in (lookup.json()["items"], detail.json()["variants"]):
            seen = {v["sku"]: (v["stock_level"], v["available"]) for v in variants}
            assert seen == {sku: (levels[sku], counts[sku] if exact else None) for sku in levels}, (
                who
            )


async def test_variant_lookup_rejects_bad_input(client) -> None:
    assert (await client.get("/catalog/variants")).status_code == 422
    assert (await client.get("/catalog/variants", params={"skus": " , "})).status_code == 422
    # a sku is ASCII; refusing anything else keeps the longest list's URL readable
    assert (await client.get("/catalog/variants", params={"skus": "A,ü"})).status_code == 422
    many = ",".join(f"S{i}" for i in range(101))
    assert (await client.get("/catalog/variants", params={"skus": many})).status_code == 422


async def test_new_product_names_feed_the_spelling_lexicon(client, db_session) -> None:
    product = await make_product(db_session, name="Quokka Plush Toy")
    await db_session.execute(
        update(Product).where(Product.id == product.id).values(name="Wombat Plush Toy")
    )
    for query, expected in (("qokka", "quokka"), ("wombta", "wombat")):
        body = (await client.get("/catalog/search", params={"q": query})).json()
        assert body["corrected_query"] == expected
    renamed = (await client.get("/catalog/search", params={"q": "wombta plush"})).json()
    assert [i["id"] for i in renamed["items"]] == [str(product.id)]
    assert renamed["total"] == 1


async def test_search_without_any_similar_word_is_empty(client, db_session) -> None:
    await make_product(db_session, name="Quokka Plush Toy")
    body = (await client.get("/catalog/search", params={"q": "xylophagous"})).json()
    assert (body["items"], body["total"], body["corrected_query"]) == ([], 0, None)


async def test_cached_search_ranking_still_reads_products_fresh(db_session) -> None:
    from catalog_fulfillment.services.catalog import ListingFilters, list_products
    from catalog_fulfillment.services.listing_cache import TtlCache

    made = [await make_product(db_session, name=f"Walnut Tray {n}") for n in range(3)]
    caches = {"cache": TtlCache(ttl_seconds=60), "ranking_cache": TtlCache(ttl_seconds=60)}

    async def search() -> list[tuple[str, Decimal]]:
        page = await list_products(
            db_session,
            filters=ListingFilters(q="walnut tray"),
            sort="relevance",
            page=1,
            page_size=20,
            typo_threshold=0.25,
            **caches,
        )
        return [(row["product"].name, row["product"].min_price) for row in page.rows]

    names = [p.name for p in made]
    ids = [p.id for p in made]
    first = await search()
    assert len(first) == 3
    await db_session.execute(
        update(Product).where(Product.id == ids[0]).values(min_price=Decimal("7.00"))
    )
    await db_session.execute(update(Product).where(Product.id == ids[1]).values(status="archived"))
    db_session.expire_all()
    second = await search()
    assert [name for name, _ in second] == [name for name, _ in first if name != names[1]]
    assert dict(second)[names[0]] == Decimal("7.00")
