"""Keyset pagination of listings: following next_cursor walks the same products in the
same order as page numbers (ties included, nothing twice, nothing skipped), and a cursor
that is not one the service made for this sort is a clear 400 (422 when it breaks the schema)."""

from __future__ import annotations

import base64
import json

import pytest
from catalog_fulfillment.models import Product
from sqlalchemy import update

from tests.factories import make_category, make_product


async def arrange(db_session) -> str:  # noqa: ANN001
    """A category tree of 23 products with ties on price, rating and creation time."""
    parent = await make_category(db_session)
    children = [await make_category(db_session, parent=parent) for _ in range(2)]
    for n in range(23):
        product = await make_product(
            db_session,
            category=children[n % 2],
            prices={f"KS-{n}": ("10.00", "20.00", "30.00")[n % 3]},
            stock={f"KS-{n}": n % 4},
        )
        await db_session.execute(
            update(Product)
            .where(Product.id == product.id)
            .values(rating_avg=(n % 5), rating_count=n % 2)
        )
    await make_product(db_session)  # elsewhere: never listed
    return parent.slug


async def walk(client, params: dict[str, str]) -> list[str]:  # noqa: ANN001
    ids, cursor = [], None
    for _ in range(20):
        query = {**params, "page_size": "5"} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/catalog/products", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ended")


async def numbered(client, params: dict[str, str]) -> list[str]:  # noqa: ANN001
    ids: list[str] = []
    for page in range(1, 10):
        query = {**params, "page_size": "5", "page": str(page)}
        body = (await client.get("/catalog/products", params=query)).json()
        ids += [item["id"] for item in body["items"]]
    return ids


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "rating", "relevance"])
@pytest.mark.parametrize("in_stock", [False, True])
async def test_following_cursors_lists_what_page_numbers_list(
    client, db_session, sort, in_stock
) -> None:
    category = await arrange(db_session)
    params = {"category": category, "sort": sort} | ({"in_stock": "true"} if in_stock else {})
    by_cursor = await walk(client, params)
    assert by_cursor == await numbered(client, params)
    assert len(by_cursor) == len(set(by_cursor)) == (17 if in_stock else 23)


async def test_cursors_of_the_whole_catalog_follow_the_sort_index(client, db_session) -> None:
    await arrange(db_session)
    params = {"sort": "price_desc"}
    assert await walk(client, params) == await numbered(client, params)


ID = "6f1c3a4e-2b0d-4c1e-9a57-0c4f2d9b8e11"


def cursor_of(*key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "newest", "cursor": "not-base64-json"}, "malformed cursor"),
        ({"sort": "price_asc", "cursor": cursor_of("price_asc", "NaN", ID)}, "malformed"),
        ({"sort": "price_asc", "cursor": cursor_of("price_asc", "1e999999", ID)}, "malformed"),
        ({"sort": "rating", "cursor": cursor_of("rating", "4.5", 2**40, ID)}, "malformed"),
        ({"sort": "rating", "cursor": cursor_of("rating", "4.5", 1)}, "another sort"),
        ({"sort": "rating", "cursor": cursor_of("price_asc", "10.00", "x")}, "another sort"),
        ({"sort": "newest", "cursor": cursor_of("newest", "yesterday", "x")}, "malformed"),
        ({"q": "lamp", "cursor": cursor_of("newest", "2026-01-01T00:00:00+00:00", "x")}, ""),
        ({"sort": "newest", "cursor": "0"}, "malformed"),
    ],
)
async def test_a_cursor_the_service_did_not_make_is_a_clear_400(
    client, db_session, params, message
) -> None:
    """Well-formed as the schema says, but not a cursor of this listing: only the service
    can tell, so 400 with `code: invalid_cursor` (a schema-valid request is never 422)."""
    await make_product(db_session, name="Cursor Lamp")
    response = await client.get("/catalog/products", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"
    assert message in response.json()["detail"]


@pytest.mark.parametrize("cursor", ["a" * 301, "a b", ""])
async def test_a_cursor_outside_the_schema_is_a_422(client, cursor) -> None:
    response = await client.get("/catalog/products", params={"sort": "newest", "cursor": cursor})
    assert response.status_code == 422, response.text
