"""Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates) is refused
with 422 wherever it can come in, instead of failing in the database with a 500."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.factories import make_category

NUL = "bad\x00text"
SURROGATE = "bad\ud800text"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def raw_json(body: dict[str, object]) -> bytes:
    # json.dumps keeps a lone surrogate as the escape \\ud800, as a hostile client would send.
    return json.dumps(body).encode()


async def test_query_parameters(client) -> None:
    # (A URL cannot carry a lone surrogate: its UTF-8 bytes would be invalid.)
    bad = NUL
    for path, params in (
        ("/catalog/search", {"q": bad}),
        ("/catalog/products", {"q": bad}),
        ("/catalog/products", {"category": bad}),
        ("/stores", {"city": bad}),
    ):
        response = await client.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
async def test_bodies(client, tokens, db_session, bad) -> None:
    category = await make_category(db_session)
    service, admin = bearer(tokens.service()), bearer(tokens.admin())
    product = {
        "name": "Lamp",
        "category_id": str(category.id),
        "variants": [
            {"sku": "LAMP-1", "name": "Default", "price": "9.00", "attributes": {"colour": bad}}
        ],
    }
    calls = [
        ("/inventory/restock", {"key": bad, "items": [{"sku": "A", "quantity": 1}]}, service),
        (
            "/fulfillments",
            {
                "order_id": str(uuid.uuid4()),
                "user_id": str(uuid.uuid4()),
                "carrier": bad,
                "tracking_number": "1Z",
            },
            service,
        ),
        ("/admin/categories", {"name": bad}, admin),
        ("/admin/products", product, admin),
        (
            "/admin/products",
            {**product, "variants": [{**product["variants"][0], "attributes": {bad: "x"}}]},
            admin,
        ),  # type: ignore[index]
        (
            "/reviews",
            {"product_id": str(uuid.uuid4()), "rating": 5, "title": bad, "comment": "ok"},
            bearer(tokens.customer()),
        ),
    ]
    for path, body, headers in calls:
        response = await client.post(
            path, content=raw_json(body), headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, (path, response.text)


async def test_variant_lookup_ignores_strings_that_cannot_be_skus(client, db_session) -> None:
    from tests.factories import make_product, unique

    sku = unique("OK")
    await make_product(db_session, stock={sku: 1})
    response = await client.get("/catalog/variants", params={"skus": f"{sku},{NUL},has space"})
    assert response.status_code == 200
    assert [i["sku"] for i in response.json()["items"]] == [sku]


async def test_sku_path_is_checked(client, tokens) -> None:
    response = await client.get("/inventory/A%00B", headers=bearer(tokens.service()))
    assert response.status_code == 422
    response = await client.put(
        "/admin/inventory/A%00B", json={"on_hand": 1}, headers=bearer(tokens.admin())
    )
    assert response.status_code == 422
    assert (await client.get("/catalog/products/a%00b")).status_code == 422
