"""Reviews and verified purchases across real processes: catalog-fulfillment asks the real
identity-commerce, a refunded order's review stops counting once it is reverified, and a
shopper cannot write a review while identity-commerce is down (the account behind the token
cannot be checked) and writes a verified one once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from shopstack.supervisor import Child

from .shop import Shop, Shopper
from .test_acceptance_orders import admin_status, paid_order, sku


@pytest.fixture
def catalog(shop: Shop) -> Iterator[Child]:
    """A second catalog-fulfillment on the shop's catalog database with a quick recheck
    job (and no reservation sweeper racing the shop's own)."""
    service = shop.start_service(
        "catalog-fulfillment",
        "catalog-reviews",
        RESERVATION_SWEEPER_ENABLED="false",
        REVIEW_RECHECK_SWEEP_SECONDS="0.3",
        REVIEW_RECHECK_RETRY_SECONDS="1",
        VERIFIED_PURCHASE_TIMEOUT_SECONDS="1",
    )
    yield service
    service.stop()


def post_review(catalog: Child, shopper: Shopper, product_id: str, rating: int) -> httpx.Response:
    return httpx.post(
        f"{catalog.url}/reviews",
        json={
            "product_id": product_id,
            "rating": rating,
            "title": f"{rating} stars",
            "comment": "Wrote what I think.",
        },
        headers=shopper.headers,
        timeout=30,
    )


def write_review(catalog: Child, shopper: Shopper, product_id: str, rating: int) -> Any:
    response = post_review(catalog, shopper, product_id, rating)
    assert response.status_code == 201, response.text
    return response.json()


def rating(catalog: Child, product_id: str) -> tuple[float, int]:
    detail = httpx.get(f"{catalog.url}/catalog/products/{product_id}").json()
    return detail["rating_avg"], detail["rating_count"]


def reverify(shop: Shop, catalog: Child, shopper: Shopper, product_id: str) -> httpx.Response:
    return httpx.post(
        f"{catalog.url}/reviews/reverify",
        json={"user_id": shopper.user_id, "product_ids": [product_id]},
        headers=shop.service_headers(),
        timeout=30,
    )


def test_a_refunded_purchase_stops_counting_once_reverified(shop: Shop, catalog: Child) -> None:
    item = sku("REVW")
    product = shop.new_product((item, "20.00", 5))["id"]
    buyer, order_id = paid_order(shop, item)
    browser = shop.new_shopper()
    assert write_review(catalog, buyer, product, 5)["verified_purchase"] is True
    assert write_review(catalog, browser, product, 1)["verified_purchase"] is False
    assert rating(catalog, product) == (5.0, 1)  # the browser's 1 star is shown, not counted

    refunded = admin_status(shop, order_id, status="refunded", note="changed my mind")
    assert refunded.status_code == 200, refunded.text
    for _ in range(2):  # idempotent
        response = reverify(shop, catalog, buyer, product)
        assert response.status_code == 200, response.text
        assert response.json() == {"rechecked": 1, "unverified": 1}
    assert rating(catalog, product) == (0.0, 0)
    listing = httpx.get(f"{catalog.url}/reviews/product/{product}").json()
    assert (listing["count"], listing["unverified_count"]) == (2, 2)
    assert not any(review["verified_purchase"] for review in listing["items"])


def test_reviews_wait_out_an_identity_outage(shop: Shop, catalog: Child) -> None:
    """While identity-commerce is down nothing about a shopper can be vouched for: the
    account behind the token cannot be checked, so writing a review answers 503 and stores
    nothing, and reverify answers 503 and changes nothing. Once it is back the same review is
    written as a verified purchase."""
    item = sku("OUTG")
    product = shop.new_product((item, "8.00", 5))["id"]
    buyer, _ = paid_order(shop, item)
    shop.identity.stop()
    try:
        refused = reverify(shop, catalog, buyer, product)
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["Retry-After"]) > 0
        while_down = post_review(catalog, buyer, product, 4)
        assert while_down.status_code == 503, while_down.text
        assert int(while_down.headers["Retry-After"]) > 0
        listing = httpx.get(f"{catalog.url}/reviews/product/{product}").json()
        assert listing["count"] == 0
    finally:
        shop.identity.start()

    assert write_review(catalog, buyer, product, 4)["verified_purchase"] is True
    assert rating(catalog, product) == (4.0, 1)
