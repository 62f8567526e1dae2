"""`/metrics` of each service, scraped around real checkouts (whole shop, real processes):
the counters of what happened move, by route template, outcome, channel and result."""

from __future__ import annotations

import uuid
from collections import defaultdict

import httpx
from prometheus_client.parser import text_string_to_metric_families

from .shop import Shop, wait_until

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str) -> Samples:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = defaultdict(float)
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] += sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples named `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def has(samples: Samples, name: str) -> bool:
    return any(n == name for n, _ in samples)


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def test_a_checkout_moves_the_counters_of_every_service(shop: Shop) -> None:
    identity0, catalog0, notifications0 = (
        scrape(shop.identity.url),
        scrape(shop.catalog.url),
        scrape(shop.notifications.url),
    )

    # paid
    item = sku("MET")
    shop.new_product((item, "30.00", 5))
    buyer = shop.new_shopper((item, 1))
    created = shop.create_intent(buyer)
    assert created.status_code == 201, created.text
    paid_order = created.json()["order_id"]
    paid = shop.confirm(buyer, paid_order, "pm_card_visa")
    assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.text
    # declined
    declined_shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(declined_shopper)
    assert created.status_code == 201, created.text
    declined = shop.confirm(declined_shopper, created.json()["order_id"], "pm_card_chargeDeclined")
    assert declined.status_code == 402, declined.text
    # conflict: the only unit is held by another shopper's checkout
    scarce = sku("ONE")
    shop.new_product((scarce, "12.00", 1))
    holder, loser = shop.new_shopper((scarce, 1)), shop.new_shopper((scarce, 1))
    assert shop.create_intent(holder).status_code == 201
    refused = shop.create_intent(loser)
    assert refused.status_code == 409, refused.text

    # Every event's email went out, and Stripe's webhook for the payment arrived.
    wait_until(lambda: shop.sent("ORDER_PAID", buyer.email))
    wait_until(lambda: shop.sent("ORDER_PAYMENT_FAILED", declined_shopper.email))
    wait_until(lambda: shop.sent("ORDER_PLACED", holder.email))
    identity = wait_until(
        lambda: (
            s
            if value(
                s := scrape(shop.identity.url),
                "stripe_webhook_events_total",
                type="payment_intent.succeeded",
            )
            > value(identity0, "stripe_webhook_events_total", type="payment_intent.succeeded")
            else None
        )
    )
    catalog, notifications = scrape(shop.catalog.url), scrape(shop.notifications.url)

    def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    # identity-commerce: outcomes, requests by route template, latency, pool, outbox
    for outcome in ("paid", "declined", "conflict"):
        assert moved(identity0, identity, "checkout_outcomes_total", outcome=outcome) == 1, outcome
    assert moved(identity0, identity, "checkout_outcomes_total", outcome="expired") == 0
    intents = {"method": "POST", "route": "/checkout/create-payment-intent"}
    assert moved(identity0, identity, "http_requests_total", status="201", **intents) == 3
    assert moved(identity0, identity, "http_requests_total", status="409", **intents) == 1
    assert moved(identity0, identity, "http_request_duration_seconds_count", **intents) == 4
    assert moved(identity0, identity, "http_request_duration_seconds_sum", **intents) > 0
    assert has(identity, "db_pool_connections_in_use")
    assert has(identity, "db_pool_waiting")
    for name in (
        "outbox_events_pending",
        "outbox_events_failed",
        "outbox_oldest_pending_age_seconds",
    ):
        assert has(identity, name), name
    assert value(identity, "outbox_events_failed") == 0

    # catalog-fulfillment: the reserve calls identity-commerce made, and the holds
    reserve = {"method": "POST", "route": "/inventory/reserve"}
    assert moved(catalog0, catalog, "http_requests_total", status="201", **reserve) == 3
    assert moved(catalog0, catalog, "http_request_duration_seconds_count", **reserve) == 3
    # the holder's unit, not yet paid (the gauge is read from the database at most every
    # 5 s per process, so a scrape right after the baseline may still show the old count)
    held = wait_until(lambda: value(scrape(shop.catalog.url), "reservations_held"), timeout=15)
    assert held >= 1
    assert has(catalog, "reservations_overdue")
    assert has(catalog, "reservations_expired_total")
    assert has(catalog, "db_pool_connections_in_use")

    # notifications: the emails of the events so far (placed x3, paid, payment failed)
    assert moved(notifications0, notifications, "notifications_sent_total", result="sent") >= 5
    assert moved(notifications0, notifications, "notifications_sent_total", result="failed") == 0
    notify = {"method": "POST", "route": "/notify", "status": "202"}
    assert moved(notifications0, notifications, "http_requests_total", **notify) >= 5


def test_unknown_paths_share_one_series(shop: Shop) -> None:
    """A client inventing URLs cannot create new series."""
    for _ in range(3):
        assert httpx.get(f"{shop.notifications.url}/no-such-{uuid.uuid4().hex}").status_code == 404
    samples = scrape(shop.notifications.url)
    routes = {dict(labels)["route"] for name, labels in samples if name == "http_requests_total"}
    assert "<unmatched>" in routes
    assert not any(route.startswith("/no-such-") for route in routes)
