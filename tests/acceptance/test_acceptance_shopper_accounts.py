"""Account links across real processes: identity-commerce queues the event, notifications
mails the link (file provider), the shopper opens it. Reviews wait for a verified email:
catalog-fulfillment reads it from the account status it asks identity-commerce for."""

from __future__ import annotations

import time
import uuid

import httpx

from .shop import PASSWORD, Shop, from_new_address
from .test_acceptance_orders import sku


def test_review_needs_a_verified_email_and_the_mailed_link_verifies_it(shop: Shop) -> None:
    product = shop.new_product((sku("VRFY"), "5.00", 3))["id"]
    shopper = shop.new_shopper()
    review = {"product_id": product, "rating": 5, "title": "Nice", "comment": "Really."}

    refused = httpx.post(f"{shop.catalog.url}/reviews", json=review, headers=shopper.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "email_not_verified"

    shop.verify_email(shopper)
    me = httpx.get(f"{shop.identity.url}/auth/me", headers=shopper.headers)
    assert me.json()["email_verified"] is True
    # The very next request counts it: no new token needed.
    written = httpx.post(f"{shop.catalog.url}/reviews", json=review, headers=shopper.headers)
    assert written.status_code == 201, written.text


def test_forgotten_password_reset_through_the_mailed_link(shop: Shop) -> None:
    product = shop.new_product((sku("RSET"), "5.00", 3))["id"]
    shopper = shop.new_shopper()
    ghost = f"ghost-{uuid.uuid4().hex[:12]}@example.com"
    new_password = "a whole new password"
    with from_new_address(shop.identity.url) as api:
        for email in (ghost, shopper.email):
            asked = api.post("/auth/password-reset", json={"email": email})
            assert asked.status_code == 202, asked.text
        token = shop.mailed_link("PASSWORD_RESET_REQUESTED", shopper.email, "reset-password")
        done = api.post(
            "/auth/password-reset/confirm", json={"token": token, "new_password": new_password}
        )
        assert done.status_code == 204, done.text
        reused = api.post(
            "/auth/password-reset/confirm", json={"token": token, "new_password": "yet another one"}
        )
        assert reused.status_code == 400

        old = api.post("/auth/login", json={"email": shopper.email, "password": PASSWORD})
        assert old.status_code == 401
        new = api.post("/auth/login", json={"email": shopper.email, "password": new_password})
        assert new.status_code == 200, new.text
    # The token from before the reset is refused by every service.
    assert httpx.get(f"{shop.identity.url}/cart", headers=shopper.headers).status_code == 401
    review = {"product_id": product, "rating": 1, "title": "x", "comment": "Written by a thief."}
    stolen = httpx.post(f"{shop.catalog.url}/reviews", json=review, headers=shopper.headers)
    assert stolen.status_code == 401, stolen.text
    # The unknown email was sent nothing (its request went first, in the same relay order).
    time.sleep(1)
    assert shop.sent("PASSWORD_RESET_REQUESTED", ghost) == []
    [logged] = shop.sent("PASSWORD_RESET_REQUESTED", shopper.email)
    assert token not in logged["body_text"]
