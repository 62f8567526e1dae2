"""Admin endpoints: categories, products with variants/images/stock, edit, archive, stock."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from catalog_fulfillment.models import InventoryItem, OutboxMessage
from sqlalchemy import select

from tests.factories import make_category, make_product, stock_json, unique


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(tokens) -> dict[str, str]:
    return bearer(tokens.admin())


def product_body(category_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    sku = unique("TSHIRT")
    body: dict[str, object] = {
        "name": "Organic Cotton T-Shirt",
        "description": "Heavyweight 220 gsm organic cotton, relaxed fit.",
        "brand": "Northwind",
        "category_id": str(category_id),
        "images": [{"url": "/static/products/apparel.svg", "alt": "Front"}],
        "variants": [
            {
                "sku": f"{sku}-M",
                "name": "Medium / Navy",
                "attributes": {"size": "M", "colour": "navy"},
                "price": "24.00",
                "on_hand": 12,
                "reorder_level": 3,
            },
            {
                "sku": f"{sku}-L",
                "name": "Large / Navy",
                "attributes": {"size": "L", "colour": "navy"},
                "price": "26.50",
                "on_hand": 0,
            },
        ],
    }
    body.update(overrides)
    return body


async def test_create_categories(client, admin) -> None:
    parent = await client.post("/admin/categories", json={"name": "Home & Kitchen"}, headers=admin)
    assert parent.status_code == 201
    assert parent.json()["slug"].startswith("home-kitchen")
    child = await client.post(
        "/admin/categories",
        json={
            "name": "Coffee",
            "slug": f"coffee-{uuid.uuid4().hex[:6]}",
            "parent_id": parent.json()["id"],
        },
        headers=admin,
    )
    assert child.status_code == 201
    assert child.json()["parent_id"] == parent.json()["id"]
    tree = (await client.get("/catalog/categories")).json()
    [node] = [n for n in tree if n["id"] == parent.json()["id"]]
    assert [c["id"] for c in node["children"]] == [child.json()["id"]]
    duplicate = await client.post(
        "/admin/categories", json={"name": "Again", "slug": child.json()["slug"]}, headers=admin
    )
    assert duplicate.status_code == 409
    orphan = await client.post(
        "/admin/categories", json={"name": "Orphan", "parent_id": str(uuid.uuid4())}, headers=admin
    )
    assert orphan.status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x", "slug": "Not A Slug"}, {"name": "x", "parent_id": "nope"}],
)
async def test_create_category_rejects_bad_input(client, admin, body) -> None:
    assert (await client.post("/admin/categories", json=body, headers=admin)).status_code == 422


async def test_create_product_with_variants_images_and_stock(client, admin, db_session) -> None:
    category = await make_category(db_session)
    body = product_body(category.id)
    response = await client.post("/admin/products", json=body, headers=admin)
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["slug"].startswith("organic-cotton-t-shirt")
    assert product["status"] == "active"
    assert product["price"] == "24.00"
    assert product["images"] == [
        {
            "id": product["images"][0]["id"],
            "url": "http://catalog.test/static/products/apparel.svg",
            "alt": "Front",
        }
    ]
    assert [
        (v["sku"], v["price"], v["available"], v["attributes"]["size"]) for v in product["variants"]
    ] == [
        (body["variants"][0]["sku"], "24.00", 12, "M"),
        (body["variants"][1]["sku"], "26.50", 0, "L"),
    ]
    stock = await db_session.get(InventoryItem, body["variants"][0]["sku"])
    assert (stock.on_hand, stock.reserved, stock.reorder_level) == (12, 0, 3)
    public = await client.get(f"/catalog/products/{product['slug']}")
    assert public.status_code == 200
    listing = (await client.get("/catalog/search", params={"q": "organic cotton"})).json()
    assert [i["id"] for i in listing["items"]] == [product["id"]]


async def test_create_product_conflicts_and_missing_category(client, admin, db_session) -> None:
    category = await make_category(db_session)
    taken_sku = unique("TAKEN")
    await make_product(db_session, stock={taken_sku: 1})
    body = product_body(category.id)
    body["variants"][0]["sku"] = taken_sku  # type: ignore[index]
    clash = await client.post("/admin/products", json=body, headers=admin)
    assert clash.status_code == 409
    assert clash.json()["skus"] == [taken_sku]

    first = await client.post(
        "/admin/products", json=product_body(category.id, slug="the-one-shirt"), headers=admin
    )
    assert first.status_code == 201
    same_slug = await client.post(
        "/admin/products", json=product_body(category.id, slug="the-one-shirt"), headers=admin
    )
    assert same_slug.status_code == 409
    nowhere = await client.post("/admin/products", json=product_body(uuid.uuid4()), headers=admin)
    assert nowhere.status_code == 404


def _with_variant(**changes: object) -> dict[str, object]:
    body = product_body(uuid.uuid4())
    body["variants"] = [{**body["variants"][0], **changes}]  # type: ignore[index]
    return body


@pytest.mark.parametrize(
    "body",
    [
        {},
        product_body(uuid.uuid4(), variants=[]),
        product_body(uuid.uuid4(), name=""),
        product_body(uuid.uuid4(), images=[{"url": "javascript:alert(1)"}]),
        product_body(uuid.uuid4(), currency="usd"),
        _with_variant(price="-1.00"),
        _with_variant(price="1.999"),
        _with_variant(price="abc"),
        _with_variant(on_hand=-5),
        _with_variant(sku="has space"),
        _with_variant(price=""),
        _with_variant(price="1e3"),
        _with_variant(price=True),
        _with_variant(on_hand="5"),
        _with_variant(on_hand=True),
        _with_variant(attributes={"bad\x00key": "x"}),
        product_body(uuid.uuid4(), name="   "),
    ],
)
async def test_create_product_rejects_bad_input(client, admin, body) -> None:
    response = await client.post("/admin/products", json=body, headers=admin)
    assert response.status_code == 422, response.text


async def test_a_sku_twice_in_one_product_is_a_conflict(client, admin, db_session) -> None:
    # JSON Schema cannot say "unique by sku": it is a conflict with itself, like a taken sku
    category = await make_category(db_session)
    variant = _with_variant()["variants"][0]  # type: ignore[index]
    body = product_body(category.id, variants=[variant, {**variant, "name": "Other"}])
    response = await client.post("/admin/products", json=body, headers=admin)
    assert response.status_code == 409, response.text
    assert response.json()["skus"] == [variant["sku"]]  # type: ignore[index]


async def test_update_product_fields_and_variants(client, admin, tokens, db_session) -> None:
    category = await make_category(db_session)
    other = await make_category(db_session)
    created = (
        await client.post("/admin/products", json=product_body(category.id), headers=admin)
    ).json()
    medium, large = (v["sku"] for v in created["variants"])
    # A checkout holds a Large while the admin retires it.
    rid = str(uuid.uuid4())
    await client.put(f"/admin/inventory/{large}", json={"on_hand": 2}, headers=admin)
    held = await client.post(
        "/inventory/reserve",
        json={"reservation_id": rid, "items": [{"sku": large, "quantity": 1}]},
        headers=bearer(tokens.service()),
    )
    assert held.status_code == 201
    small = unique("S")
    update = {
        "name": "Organic Cotton Tee",
        "category_id": str(other.id),
        "variants": [
            {"sku": medium, "name": "Medium / Navy", "attributes": {"size": "M"}, "price": "22.00"},
            {
                "sku": small,
                "name": "Small / Navy",
                "attributes": {"size": "S"},
                "price": "21.00",
                "on_hand": 4,
            },
        ],
    }
    response = await client.put(f"/admin/products/{created['id']}", json=update, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["category"]["id"], body["price"]) == (
        "Organic Cotton Tee",
        str(other.id),
        "21.00",
    )
    states = {v["sku"]: (v["price"], v["available"], v["active"]) for v in body["variants"]}
    assert states == {
        medium: ("22.00", 12, True),
        small: ("21.00", 4, True),
        large: ("26.50", 1, False),
    }
    public = (await client.get(f"/catalog/products/{created['id']}")).json()
    assert {v["sku"] for v in public["variants"]} == {medium, small}
    # The retired sku can't be reserved again, but the open reservation still commits.
    again = await client.post(
        "/inventory/reserve",
        json={"reservation_id": str(uuid.uuid4()), "items": [{"sku": large, "quantity": 1}]},
        headers=bearer(tokens.service()),
    )
    assert again.status_code == 409
    commit = await client.post(
        "/inventory/commit", json={"reservation_id": rid}, headers=bearer(tokens.service())
    )
    assert commit.status_code == 200


async def test_update_product_errors(client, admin, db_session) -> None:
    mine = await make_product(db_session)
    foreign_sku = unique("FOREIGN")
    await make_product(db_session, stock={foreign_sku: 1})
    steal = {"variants": [{"sku": foreign_sku, "name": "x", "price": "1.00"}]}
    assert (
        await client.put(f"/admin/products/{mine.id}", json=steal, headers=admin)
    ).status_code == 409
    assert (
        await client.put(f"/admin/products/{uuid.uuid4()}", json={"name": "x"}, headers=admin)
    ).status_code == 404
    assert (
        await client.put(
            f"/admin/products/{mine.id}", json={"category_id": str(uuid.uuid4())}, headers=admin
        )
    ).status_code == 404
    assert (
        await client.put(f"/admin/products/{mine.id}", json={"status": "deleted"}, headers=admin)
    ).status_code == 422
    assert (
        await client.put(f"/admin/products/{mine.id}", json={"variants": []}, headers=admin)
    ).status_code == 422
    assert (
        await client.put("/admin/products/not-a-uuid", json={}, headers=admin)
    ).status_code == 422


async def test_archive_hides_product_but_reservations_still_resolve(
    client, admin, tokens, db_session
) -> None:
    sku = unique("ARCH")
    product = await make_product(db_session, stock={sku: 5})
    service = bearer(tokens.service())
    rid = str(uuid.uuid4())
    body = {"reservation_id": rid, "items": [{"sku": sku, "quantity": 2}]}
    assert (await client.post("/inventory/reserve", json=body, headers=service)).status_code == 201

    archive = f"/admin/products/{product.id}/archive"
    for _ in range(2):  # idempotent
        archived = await client.post(archive, headers=admin)
        assert (archived.status_code, archived.json()["status"]) == (200, "archived")
    assert (await client.get(f"/catalog/products/{product.id}")).status_code == 404
    assert (await client.get("/catalog/products")).json()["total"] == 0
    lookup = (await client.get("/catalog/variants", params={"skus": sku})).json()["items"]
    assert (lookup[0]["active"], lookup[0]["product_name"]) == (False, product.name)
    assert (
        await client.post(
            "/inventory/reserve",
            json={**body, "reservation_id": str(uuid.uuid4())},
            headers=service,
        )
    ).status_code == 409
    assert (
        await client.post("/inventory/commit", json={"reservation_id": rid}, headers=service)
    ).status_code == 200

    admin_view = await client.get(f"/admin/products/{product.id}", headers=admin)
    assert admin_view.json()["status"] == "archived"
    archived_list = (
        await client.get("/admin/products", params={"status": "archived"}, headers=admin)
    ).json()
    assert [(i["id"], i["status"]) for i in archived_list["items"]] == [
        (str(product.id), "archived")
    ]
    restored = await client.put(
        f"/admin/products/{product.id}", json={"status": "active"}, headers=admin
    )
    assert restored.json()["status"] == "active"
    assert (await client.get(f"/catalog/products/{product.id}")).status_code == 200
    assert (
        await client.post(f"/admin/products/{uuid.uuid4()}/archive", headers=admin)
    ).status_code == 404


async def test_set_stock(client, admin, tokens, db_session) -> None:
    sku = unique("STK")
    await make_product(db_session, stock={sku: 10}, reorder_level=2)
    held = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": sku, "quantity": 4}]}
    await client.post("/inventory/reserve", json=held, headers=bearer(tokens.service()))
    response = await client.put(
        f"/admin/inventory/{sku}", json={"on_hand": 6, "reorder_level": 3}, headers=admin
    )
    assert response.status_code == 200
    assert response.json() == stock_json(sku, on_hand=6, reserved=4, available=2, reorder_level=3)
    events = (
        await db_session.scalars(select(OutboxMessage).where(OutboxMessage.aggregate_id == sku))
    ).all()
    assert [e.payload["data"]["available"] for e in events] == [2]
    too_low = await client.put(f"/admin/inventory/{sku}", json={"on_hand": 3}, headers=admin)
    assert too_low.status_code == 409
    assert too_low.json()["reserved"] == 4
    assert (
        await client.put(f"/admin/inventory/{unique('NO')}", json={"on_hand": 1}, headers=admin)
    ).status_code == 404
    assert (
        await client.put(f"/admin/inventory/{sku}", json={"on_hand": -1}, headers=admin)
    ).status_code == 422
    assert (await client.put(f"/admin/inventory/{sku}", json={}, headers=admin)).status_code == 422


ADMIN_CALLS = [
    ("POST", "/admin/categories", {"name": "x"}),
    ("GET", "/admin/products", None),
    ("GET", f"/admin/products/{uuid.uuid4()}", None),
    ("POST", "/admin/products", {"name": "x"}),
    ("PUT", f"/admin/products/{uuid.uuid4()}", {"name": "x"}),
    ("POST", f"/admin/products/{uuid.uuid4()}/archive", None),
    ("PUT", "/admin/inventory/SKU-1", {"on_hand": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
async def test_admin_endpoints_need_an_admin(
    client, tokens, method, path, body, tmp_path: Path
) -> None:
    assert (await client.request(method, path, json=body)).status_code == 401
    for token in (tokens.customer(), tokens.service()):
        assert (
            await client.request(method, path, json=body, headers=bearer(token))
        ).status_code == 403
    for name, bad in tokens.bad_tokens(tmp_path).items():
        response = await client.request(method, path, json=body, headers=bearer(bad))
        assert response.status_code == 401, name


async def test_admin_listing_and_detail_errors(client, admin) -> None:
    assert (
        await client.get("/admin/products", params={"status": "deleted"}, headers=admin)
    ).status_code == 422
    assert (
        await client.get("/admin/products", params={"page_size": 0}, headers=admin)
    ).status_code == 422
    assert (await client.get(f"/admin/products/{uuid.uuid4()}", headers=admin)).status_code == 404
    assert (await client.get("/admin/products/not-a-uuid", headers=admin)).status_code == 422


async def test_admin_listing_searches_names(client, admin, db_session) -> None:
    wanted = await make_product(db_session, name="Copper 100% Kettle_Pro")
    await make_product(db_session, name="Steel Pan")
    body = (await client.get("/admin/products", params={"q": "100% kettle_"}, headers=admin)).json()
    assert [i["id"] for i in body["items"]] == [str(wanted.id)]
    assert body["items"][0]["status"] == "active"


async def test_low_stock_list(client, admin, tokens, db_session) -> None:
    low, fine, out = unique("LOW"), unique("FINE"), unique("OUT")
    product = await make_product(db_session, stock={low: 6, fine: 50, out: 0}, reorder_level=5)
    held = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": low, "quantity": 2}]}
    await client.post("/inventory/reserve", json=held, headers=bearer(tokens.service()))
    body = (
        await client.get("/admin/inventory", params={"low_stock": "true"}, headers=admin)
    ).json()
    assert [(i["sku"], i["available"]) for i in body["items"]] == [(out, 0), (low, 4)]
    assert body["total"] == 2
    assert body["items"][1]["product_name"] == product.name
    assert body["items"][1]["reserved"] == 2
    everything = (await client.get("/admin/inventory", headers=admin)).json()
    assert everything["total"] == 3 and everything["items"][-1]["sku"] == fine
    assert (
        await client.get("/admin/inventory", params={"page_size": 0}, headers=admin)
    ).status_code == 422
    assert (await client.get("/admin/inventory")).status_code == 401
    customer = await client.get("/admin/inventory", headers=bearer(tokens.customer()))
    assert customer.status_code == 403


async def test_edit_with_the_body_the_admin_ui_sends(client, admin, db_session) -> None:
    """The form posts back what it was shown: absolute picture URLs, currency included."""
    category = await make_category(db_session)
    created = (
        await client.post("/admin/products", json=product_body(category.id), headers=admin)
    ).json()
    shown = created["images"][0]["url"]
    assert shown == "http://catalog.test/static/products/apparel.svg"
    form = product_body(
        category.id,
        currency="EUR",
        images=[
            {"url": shown, "alt": "Front"},
            {"url": "https://cdn.example.com/back.jpg", "alt": "Back"},
        ],
        variants=[
            {"sku": v["sku"], "name": v["name"], "attributes": v["attributes"], "price": v["price"]}
            for v in created["variants"]
        ],
    )
    response = await client.put(f"/admin/products/{created['id']}", json=form, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "EUR" and {v["currency"] for v in body["variants"]} == {"EUR"}
    assert [i["url"] for i in body["images"]] == [shown, "https://cdn.example.com/back.jpg"]
    from catalog_fulfillment.models import ProductImage

    stored = (
        await db_session.scalars(
            select(ProductImage.url)
            .where(ProductImage.product_id == uuid.UUID(created["id"]))
            .order_by(ProductImage.position)
        )
    ).all()
    assert stored == ["/static/products/apparel.svg", "https://cdn.example.com/back.jpg"]
