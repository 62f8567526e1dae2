"""Promo codes and shipping methods: admin routes, the cart's code, and checkout pricing
(in-process, real PostgreSQL, the real stripe SDK against localstripe, the catalog as a
respx stand-in)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import Order, UserRole
from identity_commerce.services.pricing import PricedLine, PricingRules
from shopkit.testing import LiveService
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ..account_factories import auth, make_address, make_user
from .pricing_helpers import catalog, iso, promotion_body, variant

SHIRT = variant("SHIRT-M", "33.33")


@dataclass
class Shop:
    api: httpx.AsyncClient
    app: FastAPI
    admin: dict[str, str]
    customer: dict[str, str]
    customer_id: object
    session: AsyncSession
    tokens: TokenFactory

    @property
    def catalog_url(self) -> str:
        return str(self.app.state.settings.catalog_url)


@pytest.fixture
async def shop(
    app: FastAPI,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    tokens: TokenFactory,
    localstripe: LiveService,
) -> Shop:
    settings = app.state.settings.model_copy(update={"stripe_api_base": localstripe.url})
    app.state.stripe_gateway = StripeGateway.from_settings(settings)
    admin = await make_user(db_session, role=UserRole.admin)
    customer = await make_user(db_session)
    return Shop(
        client, app, auth(tokens, admin), auth(tokens, customer), customer.id, db_session, tokens
    )


async def create_promo(shop: Shop, code: str, **overrides: object) -> dict[str, object]:
    created = await shop.api.post(
        "/admin/promotions", headers=shop.admin, json=promotion_body(code, **overrides)
    )
    assert created.status_code == 201, created.text
    return created.json()


async def fill_cart(shop: Shop, headers: dict[str, str], *, quantity: int = 3) -> None:
    with catalog(shop.catalog_url, SHIRT):
        added = await shop.api.post(
            "/cart/items", headers=headers, json={"sku": "SHIRT-M", "quantity": quantity}
        )
    assert added.status_code == 201, added.text


async def apply(shop: Shop, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    with catalog(shop.catalog_url, SHIRT):
        return await shop.api.post(
            "/cart/promo", headers=headers or shop.customer, json={"code": code}
        )


# --- arithmetic ---------------------------------------------------------------------------
def test_tax_is_charged_on_the_discounted_subtotal_and_total_adds_up() -> None:
    rules = PricingRules(
        flat_shipping=Decimal("9.99"),
        free_shipping_threshold=Decimal("100"),
        tax_rates={"US": Decimal("0.08")},
        default_tax_rate=Decimal("0"),
    )
    lines = [PricedLine("A", Decimal("33.33"), 3)]  # 99.99
    quote = rules.quote(lines, country="US", discount=Decimal("10.00"), shipping=Decimal("5.00"))
    assert quote.subtotal == Decimal("99.99")
    assert quote.tax == Decimal("7.20")  # 8% of 89.99 = 7.1992
    assert quote.total == quote.subtotal - quote.discount + quote.shipping + quote.tax
    assert quote.total == Decimal("102.19")
    # a discount larger than the subtotal is capped: the total never goes below shipping + tax
    capped = rules.quote(lines, country="US", discount=Decimal("500"), shipping=Decimal("5.00"))
    assert capped.discount == Decimal("99.99") and capped.total == Decimal("5.00")


# --- admin --------------------------------------------------------------------------------
async def test_admin_creates_lists_updates_and_deactivates_a_code(shop: Shop) -> None:
    created = await create_promo(shop, " summer10 ", usage_limit=5)
    assert created["code"] == "SUMMER10" and created["times_used"] == 0
    twin = await shop.api.post(
        "/admin/promotions", headers=shop.admin, json=promotion_body("Summer10")
    )
    assert twin.status_code == 409 and twin.json()["code"] == "code_taken"
    listed = (await shop.api.get("/admin/promotions", headers=shop.admin)).json()
    assert [p["code"] for p in listed] == ["SUMMER10"]
    changed = await shop.api.put(
        f"/admin/promotions/{created['id']}",
        headers=shop.admin,
        json=promotion_body("SUMMER10", kind="fixed", value="7.50"),
    )
    assert changed.status_code == 200 and changed.json()["value"] == "7.50"
    gone = await shop.api.delete(f"/admin/promotions/{created['id']}", headers=shop.admin)
    assert gone.status_code == 200 and gone.json()["active"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"value": "100.01"},  # a percentage over 100 (the schema says so for kind = percent)
        {"value": "-1"},
        {"kind": "bogus"},
        {"starts_at": 0},  # a number is not a date-time
        {"active": 0},  # nor a boolean
    ],
)
async def test_admin_gets_422_for_an_impossible_promotion(shop: Shop, body: dict[str, Any]) -> None:
    answer = await shop.api.post(
        "/admin/promotions", headers=shop.admin, json=promotion_body("BAD", **body)
    )
    assert answer.status_code == 422


async def test_a_code_whose_window_never_opens_is_kept_and_takes_nothing_off(shop: Shop) -> None:
    """A window that ends before it starts, or a value of 0, is not malformed (the schema
    cannot relate two fields): the code is stored and simply never applies."""
    suffix = uuid.uuid4().hex[:8].upper()
    never = promotion_body(
        f"NEVER{suffix}", starts_at=iso(timedelta(days=2)), ends_at=iso(timedelta(days=1))
    )
    created = await shop.api.post("/admin/promotions", headers=shop.admin, json=never)
    assert created.status_code == 201, created.text
    zero = await shop.api.post(
        "/admin/promotions", headers=shop.admin, json=promotion_body(f"ZERO{suffix}", value="0")
    )
    assert zero.status_code == 201, zero.text
    assert zero.json()["value"] == "0.00"


async def test_customers_cannot_manage_promotions_or_shipping(shop: Shop) -> None:
    assert (await shop.api.get("/admin/promotions", headers=shop.customer)).status_code == 403
    posted = await shop.api.post(
        "/admin/promotions", headers=shop.customer, json=promotion_body("FREE")
    )
    assert posted.status_code == 403
    assert (await shop.api.get("/admin/shipping-methods", headers=shop.customer)).status_code == 403
    assert (await shop.api.get("/admin/promotions")).status_code == 401


# --- the cart's code ----------------------------------------------------------------------
async def test_a_code_in_any_letter_case_discounts_the_cart_half_up(shop: Shop) -> None:
    await create_promo(shop, "TAKE15", value="15")
    await fill_cart(shop, shop.customer)  # 3 x 33.33 = 99.99; 15% = 14.9985 -> 15.00
    applied = await apply(shop, "take15")
    assert applied.status_code == 200, applied.text
    cart = applied.json()
    assert cart["promo"] == {"code": "TAKE15", "discount": "15.00", "problem": None}
    assert cart["discounted_subtotal"] == "84.99"
    with catalog(shop.catalog_url, SHIRT):
        again = (await shop.api.get("/cart", headers=shop.customer)).json()
        removed = await shop.api.delete("/cart/promo", headers=shop.customer)
    assert again["promo"]["code"] == "TAKE15"
    assert removed.status_code == 200 and removed.json()["promo"] is None


async def test_a_fixed_code_never_takes_more_than_the_subtotal(shop: Shop) -> None:
    await create_promo(shop, "HUNDRED", kind="fixed", value="100.00")
    await fill_cart(shop, shop.customer, quantity=1)
    cart = (await apply(shop, "HUNDRED")).json()
    assert cart["discount"] == "33.33" and cart["discounted_subtotal"] == "0.00"


async def test_guest_carts_take_codes_too(shop: Shop) -> None:
    await create_promo(shop, "GUEST5", kind="fixed", value="5")
    token = (await shop.api.post("/cart/guest")).json()["cart_token"]
    guest = {"X-Cart-Token": token}
    await fill_cart(shop, guest)
    applied = await apply(shop, "guest5", guest)
    assert applied.status_code == 200 and applied.json()["discount"] == "5.00"


async def test_unknown_code_is_404_with_a_code(shop: Shop) -> None:
    await fill_cart(shop, shop.customer)
    answer = await apply(shop, "NOPE")
    assert answer.status_code == 404 and answer.json()["code"] == "unknown_promo_code"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"active": False}, "inactive"),
        ({"starts_at": iso(timedelta(days=1))}, "not_started"),
        ({"ends_at": iso(timedelta(seconds=-1))}, "expired"),
        ({"min_subtotal": "100.00"}, "below_minimum"),
    ],
)
async def test_a_code_that_does_not_apply_is_409_with_the_reason(
    shop: Shop, overrides: dict[str, object], reason: str
) -> None:
    await create_promo(shop, "RULES", **overrides)
    await fill_cart(shop, shop.customer)  # 99.99
    answer = await apply(shop, "rules")
    assert answer.status_code == 409 and answer.json()["code"] == reason
    with catalog(shop.catalog_url, SHIRT):
        cart = (await shop.api.get("/cart", headers=shop.customer)).json()
    assert cart["promo"] is None  # a refused code is not kept


# --- checkout -----------------------------------------------------------------------------
async def checkout(shop: Shop, headers: dict[str, str], **body: object) -> httpx.Response:
    user_id = shop.customer_id if headers is shop.customer else None
    assert user_id is not None
    address = await make_address(shop.session, await _user(shop, user_id))
    with catalog(shop.catalog_url, SHIRT):
        return await shop.api.post(
            "/checkout/create-payment-intent",
            headers=headers,
            json={
                "shipping_address_id": str(address.id),
                "billing_address_id": str(address.id),
                **body,
            },
        )


async def _user(shop: Shop, user_id: object):  # type: ignore[no-untyped-def]
    from identity_commerce.models import User

    return await shop.session.get(User, user_id)


async def check_out_with(shop: Shop, code: str, **promotion: object) -> httpx.Response:
    """Create `code`, fill the customer's cart, apply the code and check out."""
    await create_promo(shop, code, **promotion)
    await fill_cart(shop, shop.customer)
    assert (await apply(shop, code)).status_code == 200
    return await checkout(shop, shop.customer)


async def set_order(shop: Shop, created: httpx.Response, **values: object) -> None:
    """Change the order a checkout answer names straight in the database (another
    shopper's, expired, paid...)."""
    await shop.session.execute(
        update(Order).where(Order.id == created.json()["order_id"]).values(**values)
    )


async def test_checkout_charges_the_discounted_total_and_stores_it(shop: Shop) -> None:
    created = await check_out_with(shop, "TAKE15", value="15", usage_limit=10)
    assert created.status_code == 201, created.text
    # 99.99 - 15.00 = 84.99; tax 8% = 6.80; shipping (no methods: flat 9.99) -> 101.78
    assert created.json()["amount"] == "101.78"
    intent = await shop.app.state.stripe_gateway.retrieve_payment_intent(
        created.json()["payment_intent_id"]
    )
    assert intent.amount == 10178
    order = (
        await shop.api.get(f"/orders/{created.json()['order_id']}", headers=shop.customer)
    ).json()
    assert (order["subtotal"], order["discount"], order["promo_code"]) == (
        "99.99",
        "15.00",
        "TAKE15",
    )
    assert (order["tax"], order["shipping"], order["shipping_method"]) == (
        "6.80",
        "9.99",
        "Standard",
    )
    listed = (await shop.api.get("/admin/promotions", headers=shop.admin)).json()
    assert (listed[0]["reserved"], listed[0]["times_used"]) == (1, 0)


async def test_a_code_used_up_meanwhile_is_refused_at_checkout(shop: Shop) -> None:
    promo = await create_promo(shop, "ONCE", usage_limit=1, per_customer_limit=1)
    await fill_cart(shop, shop.customer)
    assert (await apply(shop, "ONCE")).status_code == 200
    first = await checkout(shop, shop.customer)
    assert first.status_code == 201
    # another shopper's paid order holds the only use
    await set_order(
        shop, first, user_id=None, guest_token="t" * 20, customer_email="other@example.com"
    )
    assert promo["usage_limit"] == 1
    again = await checkout(shop, shop.customer)
    assert again.status_code == 409 and again.json()["code"] == "used_up"


async def test_an_expired_order_gives_its_use_back(shop: Shop) -> None:
    first = await check_out_with(shop, "ONCE", usage_limit=1)
    await set_order(shop, first, status="expired")
    again = await checkout(shop, shop.customer)
    assert again.status_code == 201 and again.json()["amount"] == "107.18"


async def test_the_per_customer_limit_counts_the_customers_orders(shop: Shop) -> None:
    first = await check_out_with(shop, "MINE", per_customer_limit=1)
    await set_order(shop, first, status="paid")
    with catalog(shop.catalog_url, SHIRT):
        cart = (await shop.api.get("/cart", headers=shop.customer)).json()
    assert cart["promo"]["problem"] == "per_customer_limit"
    again = await checkout(shop, shop.customer)
    assert again.status_code == 409 and again.json()["code"] == "per_customer_limit"


# --- shipping -----------------------------------------------------------------------------
async def make_methods(shop: Shop) -> dict[str, str]:
    world = await shop.api.post(
        "/admin/shipping-methods/zones", headers=shop.admin, json={"name": "World", "countries": []}
    )
    europe = await shop.api.post(
        "/admin/shipping-methods/zones",
        headers=shop.admin,
        json={"name": "Europe", "countries": ["de", "FR"]},
    )
    assert world.status_code == 201 and europe.status_code == 201, europe.text
    ids = {}
    for zone, name, price, free_over in [
        (world, "Standard", "4.99", "50.00"),
        (world, "Express", "19.99", None),
        (europe, "EU Post", "7.00", None),
    ]:
        made = await shop.api.post(
            "/admin/shipping-methods",
            headers=shop.admin,
            json={
                "zone_id": zone.json()["id"],
                "name": name,
                "price": price,
                "free_over": free_over,
                "delivery_estimate": "2-4 days",
            },
        )
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    return ids


async def test_shipping_methods_for_a_country_are_priced_for_the_cart(shop: Shop) -> None:
    fallback = await shop.api.get("/checkout/shipping-methods?country=US", headers=shop.customer)
    assert [(m["id"], m["name"], m["price"]) for m in fallback.json()] == [
        (None, "Standard", "9.99")
    ]
    await make_methods(shop)
    await fill_cart(shop, shop.customer)  # 99.99 reaches Standard's free_over
    with catalog(shop.catalog_url, SHIRT):
        us = (
            await shop.api.get("/checkout/shipping-methods?country=us", headers=shop.customer)
        ).json()
        de = (
            await shop.api.get("/checkout/shipping-methods?country=DE", headers=shop.customer)
        ).json()
    assert [(m["name"], m["price"]) for m in us] == [("Standard", "0.00"), ("Express", "19.99")]
    assert [(m["name"], m["price"]) for m in de] == [("EU Post", "7.00")]
    bad = await shop.api.get("/checkout/shipping-methods?country=XX", headers=shop.customer)
    assert bad.status_code == 422


async def test_the_chosen_shipping_method_is_in_the_payment_intent(shop: Shop) -> None:
    ids = await make_methods(shop)
    await fill_cart(shop, shop.customer)
    express = await checkout(shop, shop.customer, shipping_method_id=ids["Express"])
    assert express.status_code == 201, express.text
    # 99.99 + 8.00 tax + 19.99 express
    assert express.json()["amount"] == "127.98"
    intent = await shop.app.state.stripe_gateway.retrieve_payment_intent(
        express.json()["payment_intent_id"]
    )
    assert intent.amount == 12798
    order = await shop.session.scalar(select(Order).where(Order.id == express.json()["order_id"]))
    assert order is not None and (order.shipping_method, order.shipping) == (
        "Express",
        Decimal("19.99"),
    )
    cheapest = await checkout(shop, shop.customer)  # supersedes; default: the cheapest
    assert cheapest.json()["amount"] == "107.99"
    elsewhere = await checkout(shop, shop.customer, shipping_method_id=ids["EU Post"])
    assert (
        elsewhere.status_code == 409 and elsewhere.json()["code"] == "shipping_method_unavailable"
    )


# --- SQL statements -----------------------------------------------------------------------
async def statements_of_checkout(shop: Shop, db_engine: AsyncEngine) -> int:
    """identity-commerce's statements for one create-payment-intent (savepoints of the test
    transaction left out)."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            seen.append(statement)

    address = await make_address(shop.session, await _user(shop, shop.customer_id))
    event.listen(db_engine.sync_engine, "before_cursor_execute", count)
    try:
        with catalog(shop.catalog_url, SHIRT):
            created = await shop.api.post(
                "/checkout/create-payment-intent",
                headers=shop.customer,
                json={
                    "shipping_address_id": str(address.id),
                    "billing_address_id": str(address.id),
                },
            )
    finally:
        event.remove(db_engine.sync_engine, "before_cursor_execute", count)
    assert created.status_code == 201, created.text
    await set_order(shop, created, status="cancelled")
    return len(seen)


async def test_a_code_adds_statements_to_checkout_only_when_it_is_limited(
    shop: Shop, db_engine: AsyncEngine
) -> None:
    """docs/benchmarks-checkout-sql.md: without a code the budget is unchanged; an unlimited
    code costs nothing; a limited one two statements (lock the promotion, count its uses)."""
    await fill_cart(shop, shop.customer)
    without = await statements_of_checkout(shop, db_engine)
    await create_promo(shop, "OPEN")
    await apply(shop, "OPEN")
    unlimited = await statements_of_checkout(shop, db_engine)
    await create_promo(shop, "SCARCE", usage_limit=100)
    await apply(shop, "SCARCE")
    limited = await statements_of_checkout(shop, db_engine)
    assert (unlimited - without, limited - without) == (0, 2)
