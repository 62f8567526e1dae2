"""Findable products: slugs from names (unique with a suffix, editable by admins) and the
sitemap entries the frontend's servers render sitemap.xml from."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.factories import make_category, make_product
from tests.test_admin import product_body


@pytest.fixture
def admin(tokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.admin()}"}


async def test_sitemap_lists_every_category_and_active_product_never_an_archived_one(
    client, db_session
) -> None:
    category = await make_category(db_session)
    active = await make_product(db_session, category=category)
    archived = await make_product(db_session, category=category, status="archived")
    response = await client.get("/catalog/sitemap")
    assert response.status_code == 200
    body = response.json()
    product_slugs = {p["slug"] for p in body["products"]}
    assert active.slug in product_slugs
    assert archived.slug not in product_slugs
    assert category.slug in {c["slug"] for c in body["categories"]}
    assert body["truncated"] is False
    entry = next(p for p in body["products"] if p["slug"] == active.slug)
    assert re.match(r"^\d{4}-\d{2}-\d{2}T", entry["updated_at"])


async def test_archiving_through_the_api_drops_the_product_from_the_cached_sitemap(
    client, admin, db_session
) -> None:
    category = await make_category(db_session)
    created = await client.post("/admin/products", json=product_body(category.id), headers=admin)
    slug = created.json()["slug"]
    assert slug in {p["slug"] for p in (await client.get("/catalog/sitemap")).json()["products"]}
    archived = await client.post(f"/admin/products/{created.json()['id']}/archive", headers=admin)
    assert archived.status_code == 200
    listed = (await client.get("/catalog/sitemap")).json()["products"]
    assert slug not in {p["slug"] for p in listed}


async def test_slugs_come_from_names_unique_with_a_suffix_and_admins_may_edit_them(
    client, admin, db_session
) -> None:
    category = await make_category(db_session)
    name = "Lantern Of The Lonely Shore"
    first = await client.post(
        "/admin/products", json=product_body(category.id, name=name), headers=admin
    )
    second = await client.post(
        "/admin/products", json=product_body(category.id, name=name), headers=admin
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["slug"] == "lantern-of-the-lonely-shore"
    assert re.fullmatch(r"lantern-of-the-lonely-shore-[0-9a-f]{6}", second.json()["slug"])

    edited = await client.put(
        f"/admin/products/{second.json()['id']}", json={"slug": "shore-lantern"}, headers=admin
    )
    assert edited.status_code == 200 and edited.json()["slug"] == "shore-lantern"
    by_slug = await client.get("/catalog/products/shore-lantern")
    assert by_slug.status_code == 200 and by_slug.json()["id"] == second.json()["id"]
    taken = await client.put(
        f"/admin/products/{second.json()['id']}",
        json={"slug": "lantern-of-the-lonely-shore"},
        headers=admin,
    )
    assert taken.status_code == 409


async def test_admins_may_edit_a_category_slug_and_the_sitemap_follows(
    client, admin, tokens, db_session
) -> None:
    category = await make_category(db_session)
    other = await make_category(db_session)
    old_slug, new_slug = category.slug, f"lanterns-{category.id.hex[:6]}"
    edited = await client.put(
        f"/admin/categories/{category.id}",
        json={"slug": new_slug, "name": "Lanterns"},
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["slug"], edited.json()["name"]) == (new_slug, "Lanterns")
    listed = {c["slug"] for c in (await client.get("/catalog/sitemap")).json()["categories"]}
    assert new_slug in listed
    assert old_slug not in listed
    listing = await client.get("/catalog/products", params={"category": new_slug})
    assert listing.status_code == 200

    taken = await client.put(
        f"/admin/categories/{category.id}", json={"slug": other.slug}, headers=admin
    )
    assert taken.status_code == 409
    missing = await client.put(
        f"/admin/categories/{uuid.uuid4()}", json={"name": "Nobody"}, headers=admin
    )
    assert missing.status_code == 404
    customer = await client.put(
        f"/admin/categories/{category.id}",
        json={"name": "Mine"},
        headers={"Authorization": f"Bearer {tokens.customer()}"},
    )
    assert customer.status_code == 403
