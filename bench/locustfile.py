"""Shopper mix in the style of Online Boutique's load generator.

Weights: browse 10, view product 6, search 4, add to cart 2, checkout 1. Each simulated
shopper signs up once, keeps a shipping address, and pays with Stripe's test card through
localstripe. URLs come from the environment set by bench/run.py.
"""

from __future__ import annotations

import os
import random
import uuid
from typing import Any

from locust import FastHttpUser, between, events, task

IDENTITY = os.environ["IDENTITY_URL"]
CATALOG = os.environ["CATALOG_URL"]
SEARCH_TERMS = ["laptop", "lapotp", "shoes", "coffee", "headphones", "jacket", "phone", "lamp"]
_catalog_sample: dict[str, list[Any]] = {"products": [], "skus": [], "categories": []}


@events.test_start.add_listener
def load_catalog_sample(environment: Any, **_: Any) -> None:
    """Pick real product ids, skus and categories once, before the users start."""
    import httpx

    with httpx.Client(timeout=30) as http:
        for page in range(1, 6):
            body = http.get(
                f"{CATALOG}/catalog/products", params={"page": page, "page_size": 100}
            ).json()
            _catalog_sample["products"].extend(item["id"] for item in body["items"])
        for product_id in _catalog_sample["products"][:150]:
            detail = http.get(f"{CATALOG}/catalog/products/{product_id}").json()
            _catalog_sample["skus"].extend(
                v["sku"] for v in detail["variants"] if v.get("available", 0) > 0
            )
        tree = http.get(f"{CATALOG}/catalog/categories").json()
        _catalog_sample["categories"] = [c["slug"] for c in tree] + [
            child["slug"] for c in tree for child in c.get("children", [])
        ]


class Shopper(FastHttpUser):
    wait_time = between(0.2, 1.0)
    host = IDENTITY

    def on_start(self) -> None:
        email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
        password = "Bench@12345"
        self.client.post(
            f"{IDENTITY}/auth/signup",
            json={"email": email, "password": password, "first_name": "Bench", "last_name": "User"},
            name="setup: POST /auth/signup",
        )
        login = self.client.post(
            f"{IDENTITY}/auth/login",
            json={"email": email, "password": password},
            name="setup: POST /auth/login",
        ).json()
        self.auth = {"Authorization": f"Bearer {login['access_token']}"}
        address = self.client.post(
            f"{IDENTITY}/addresses",
            json={
                "full_name": "Bench User",
                "line1": "1 Market St",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94105",
                "country": "US",
                "kind": "shipping",
                "is_default": True,
            },
            headers=self.auth,
            name="setup: POST /addresses",
        ).json()
        self.address_id = address["id"]

    @task(10)
    def browse(self) -> None:
        params: dict[str, Any] = {"page": random.randint(1, 20), "page_size": 24}
        if _catalog_sample["categories"] and random.random() < 0.7:
            params["category"] = random.choice(_catalog_sample["categories"])
        self.client.get(f"{CATALOG}/catalog/products", params=params, name="GET /catalog/products")

    @task(6)
    def view_product(self) -> None:
        product_id = random.choice(_catalog_sample["products"])
        self.client.get(
            f"{CATALOG}/catalog/products/{product_id}", name="GET /catalog/products/{id}"
        )

    @task(4)
    def search(self) -> None:
        self.client.get(
            f"{CATALOG}/catalog/search",
            params={"q": random.choice(SEARCH_TERMS)},
            name="GET /catalog/search",
        )

    @task(2)
    def add_to_cart(self) -> None:
        with self.client.post(
            f"{IDENTITY}/cart/items",
            json={"sku": random.choice(_catalog_sample["skus"]), "quantity": 1},
            headers=self.auth,
            name="POST /cart/items",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()  # sold out is a correct answer, not an error

    @task(1)
    def checkout(self) -> None:
        cart = self.client.get(f"{IDENTITY}/cart", headers=self.auth, name="GET /cart").json()
        if not cart.get("items"):
            return
        with self.client.post(
            f"{IDENTITY}/checkout/create-payment-intent",
            json={"shipping_address_id": self.address_id, "billing_address_id": self.address_id},
            headers=self.auth,
            name="POST /checkout/create-payment-intent",
            catch_response=True,
        ) as created:
            if created.status_code == 409:
                created.success()  # sold out while shopping: a correct answer
                return
        if created.status_code != 201:
            return
        order_id = created.json()["order_id"]
        self.client.post(
            f"{IDENTITY}/checkout/confirm",
            json={"order_id": order_id, "payment_method_id": "pm_card_visa"},
            headers=self.auth,
            name="POST /checkout/confirm",
        )
