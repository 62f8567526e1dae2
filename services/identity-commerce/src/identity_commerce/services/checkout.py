"""Checkout: turn the cart into a `pending_payment` order, hold its stock, open a Stripe
PaymentIntent; then confirm it.

Create, in this order (docs/api/identity-commerce-orders.md):
1. count the attempt per user and per client address, in a short transaction of its own
   (429 + Retry-After past the limits; failed attempts stay counted; the repeat of a
   checkout whose reply is stored is a replay, not counted);
2. lock the user's row (which also confirms the account behind the token and reads the
   user's pending orders, in one statement), so one user's checkouts run one at a time,
   and claim the Idempotency-Key (a twin finds the first reply and replays it, changing nothing);
3. read the two addresses (404 unless both are the user's) and the cart (400 when empty);
4. make room: the user's `pending_payment` orders that hold any sku of this cart are
   superseded (intent cancelled, stock released, order `cancelled`), so one account cannot
   stack holds on the same stock; with MAX_PENDING_ORDERS_PER_USER other pending orders
   left the answer is 409 `too_many_pending_orders`;
5. price every line from the catalog (never from the client); take off the cart's promo
   code (a code with a usage or per-customer limit is locked and its uses counted first:
   services/promotions.py; 409 with the reason as `code`); add the chosen (or cheapest)
   shipping method and the tax on the discounted subtotal;
6. insert the order (a number already taken is skipped, never a 500), its items and the
   first timeline entry;
7. reserve the stock with reservation_id = order id (409 shortages / 503: the transaction
   rolls back, so no order is left behind and nothing is held);
8. create the PaymentIntent (idempotency key from the order id). If Stripe fails, the stock
   is released and the order is kept as `cancelled`: `CheckoutFailed` lets the router answer
   503 *and* commit that;
9. record the payment, queue ORDER_PLACED, store the reply under the Idempotency-Key.

When step 4 closed earlier orders (outside effects at Stripe and the catalog), steps 5-9
run in a savepoint: if they fail, the new order is undone but the superseded orders stay
closed, and the failure is answered through `CheckoutFailed`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from shopkit.auth import AccountStatus, confirm_account
from shopkit.db import SessionFactory
from shopkit.errors import (
    BadRequest,
    Conflict,
    NotFound,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
)
from shopkit.events import EventType
from shopkit.tokens import Principal
from sqlalchemy import ColumnElement, delete, select, text, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from identity_commerce.clients.catalog import (
    CatalogClient,
    CatalogVariant,
    OutOfStock,
    Shortage,
    StockRequest,
)
from identity_commerce.clients.stripe import (
    PaymentDeclined,
    PaymentIntentState,
    PaymentMethodRejected,
    PaymentProviderUnavailable,
    StripeGateway,
    StripeRequestRefused,
)
from identity_commerce.core.config import Settings
from identity_commerce.core.metrics import CHECKOUT_OUTCOMES
from identity_commerce.models import (
    Address,
    CartItem,
    CartPromotion,
    GuestCart,
    IdempotencyKey,
    Order,
    OrderItem,
    OrderStatusChange,
    Payment,
    Promotion,
    User,
)
from identity_commerce.models.order_status import OrderStatus
from identity_commerce.services import promotions, rate_limit, shipping
from identity_commerce.services.accounts import normalise_email
from identity_commerce.services.cart import CartOwner, list_cart_items
from identity_commerce.services.orders import (
    SYSTEM_ACTOR,
    change_status,
    customer_actor,
    emit_order_event,
    load_timeline_and_refunds,
    lock_order,
    lock_order_or_404,
)
from identity_commerce.services.payments import (
    PaymentNews,
    Settlement,
    cancel_or_settle,
    close_unpaid,
    settle_payment,
)
from identity_commerce.services.pricing import (
    PricedLine,
    PricingRules,
    Quote,
    money,
    to_minor_units,
)
from identity_commerce.services.shipping import ShippingOption

log = logging.getLogger("identity_commerce.checkout")

# The catalog holds the stock a little longer than the order waits for payment, so the
# sweeper (not the catalog's own expiry) decides, and a payment made at the last second
# still finds its stock.
CATALOG_HOLD_GRACE = timedelta(seconds=60)
ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "state", "postal_code", "country", "phone")


class CheckoutFailed(Exception):
    """A failure whose side effects must be committed (order cancelled / payment_failed)."""

    def __init__(self, problem: ProblemError) -> None:
        super().__init__(str(problem.detail))
        self.problem = problem


@dataclass(frozen=True)
class CheckoutReply:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True)
class Buyer:
    """Who checks out: an account (its row locked for the checkout) or a guest cart."""

    owner: CartOwner
    user: User | None
    email: str
    name: str | None
    phone: str | None
    guest_token: str | None = None  # a guest order's token, made at checkout

    @classmethod
    def of_account(cls, user: User) -> Buyer:
        return cls(CartOwner.account(user.id), user, user.email, user.full_name, user.phone)

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.owner.user_id

    @property
    def actor(self) -> str:
        return owner_actor(self.owner)


def owner_actor(owner: CartOwner) -> str:
    if owner.user_id is not None:
        return customer_actor(owner.user_id)
    return f"guest:{owner.guest_cart_id}"


def _owns_key(owner: CartOwner) -> ColumnElement[bool]:
    if owner.user_id is not None:
        return IdempotencyKey.user_id == owner.user_id
    return IdempotencyKey.guest_cart_id == owner.guest_cart_id


def pricing_rules(settings: Settings) -> PricingRules:
    return PricingRules(
        flat_shipping=settings.shipping_flat_rate,
        free_shipping_threshold=settings.free_shipping_threshold,
        tax_rates=settings.tax_rates,
        default_tax_rate=settings.default_tax_rate,
        currency=settings.shop_currency.upper(),
    )


def request_fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


# --- Idempotency-Key ----------------------------------------------------------------------
async def _claim_key(
    session: AsyncSession, *, owner: CartOwner, key: str, fingerprint: str
) -> CheckoutReply | None:
    """None when this request owns the key now; the stored reply when it was used before."""
    constraint = f"uq_idempotency_keys_{owner.column}_key"
    claimed = await session.scalar(
        insert(IdempotencyKey)
        .values(id=uuid.uuid4(), **owner.fields(), key=key, request_hash=fingerprint)
        .on_conflict_do_nothing(constraint=constraint)
        .returning(IdempotencyKey.id)
    )
    if claimed is not None:
        return None
    stored = await session.scalar(
        select(IdempotencyKey).where(_owns_key(owner), IdempotencyKey.key == key)
    )
    if stored is None or stored.response_body is None or stored.status_code is None:
        # The first request is still running in a transaction we cannot see yet.
        raise Conflict("A request with this Idempotency-Key is in progress; retry shortly")
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request")
    return CheckoutReply(status_code=stored.status_code, body=stored.response_body, replayed=True)


class IdempotencyKeyReused(ProblemError):
    status_code = 422


# --- create -------------------------------------------------------------------------------
async def _owned_addresses(
    session: AsyncSession, *, user_id: uuid.UUID, ids: set[uuid.UUID]
) -> dict[uuid.UUID, Address]:
    rows = (
        await session.scalars(
            select(Address).where(Address.id.in_(ids), Address.user_id == user_id)
        )
    ).all()
    found = {a.id: a for a in rows}
    if set(found) != ids:
        raise NotFound("Address not found")
    return found


class AddressLike(Protocol):
    """An account's stored address, or the one a guest typed in (schemas.orders)."""

    full_name: str
    country: str
    phone: str | None


def _snapshot(address: AddressLike) -> dict[str, Any]:
    return {field: getattr(address, field) for field in ADDRESS_FIELDS}


@dataclass(frozen=True)
class SavedAddresses:
    """A signed-in checkout to addresses of the account's address book."""

    shipping_id: uuid.UUID
    billing_id: uuid.UUID

    def fingerprint(self) -> dict[str, Any]:
        return {"shipping_address_id": self.shipping_id, "billing_address_id": self.billing_id}


@dataclass(frozen=True)
class TypedAddresses:
    """Addresses typed in at checkout (a guest's, or a signed-in shopper's one-off address
    that is not saved), with the email the order's messages go to."""

    email: str
    shipping: AddressLike
    billing: AddressLike

    def fingerprint(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "shipping_address": _snapshot(self.shipping),
            "billing_address": _snapshot(self.billing),
        }


def _priced_lines(
    cart: list[CartItem], variants: dict[str, CatalogVariant], currency: str
) -> list[tuple[CartItem, CatalogVariant]]:
    """Cart lines with their current catalog facts; 409 with shortages for anything that
    cannot be sold now (unknown, archived, not enough available, other currency)."""
    shortages: list[Shortage] = []
    priced = []
    for line in cart:
        variant = variants.get(line.sku)
        sellable = variant is not None and variant.active and variant.currency.upper() == currency
        available = variant.available if (variant is not None and sellable) else 0
        if not sellable or available < line.quantity:
            shortages.append(Shortage(sku=line.sku, requested=line.quantity, available=available))
        elif variant is not None:
            priced.append((line, variant))
    if shortages:
        raise OutOfStock(shortages)
    return priced


# --- abuse limits -------------------------------------------------------------------------
SUPERSEDED_NOTE = "Replaced by a newer checkout"


def checkout_limits(settings: Settings, *, owner: CartOwner, client: str) -> list[rate_limit.Limit]:
    """Per account (or guest cart) and per client address."""
    return rate_limit.per_caller_and_client(
        "checkout",
        caller=owner.counter_name,
        client=client,
        per_caller=settings.checkout_max_per_user,
        per_client=settings.checkout_max_per_client,
        window=timedelta(seconds=settings.checkout_rate_window_seconds),
    )


async def count_checkout(
    session_factory: SessionFactory,
    *,
    owner: CartOwner,
    idempotency_key: str | None,
    limits: list[rate_limit.Limit],
) -> list[rate_limit.Limit]:
    """Count one checkout against `limits` (checkout_limits: the user's and the client
    address's); 429 past either. Returns the limits counted: none for a repeat of a
    checkout whose reply is stored (a replay).

    In a short transaction of its own, committed before the checkout takes its database
    connection: the count stays when the checkout then fails (failures count too), the
    counter rows are never held locked through a checkout (which would queue every
    checkout behind one NAT), and a request never holds two pooled connections at once. A
    refused attempt is rolled back, so a blocked account does not use up its address's
    budget for everyone else there.
    """
    async with session_factory() as counting:
        if idempotency_key is not None:
            stored = await counting.scalar(
                select(IdempotencyKey.status_code).where(
                    _owns_key(owner), IdempotencyKey.key == idempotency_key
                )
            )
            if stored is not None:
                return []
        await rate_limit.hit_all_and_commit(
            counting,
            limits=limits,
            detail="Too many checkouts started; try again later",
            code="checkout_rate_limited",
        )
    return limits


async def _replay(
    session: AsyncSession,
    *,
    owner: CartOwner,
    idempotency_key: str | None,
    fingerprint: str,
    counted: list[rate_limit.Limit],
) -> CheckoutReply | None:
    """The stored reply when the Idempotency-Key was used before, else None (the key is this
    checkout's now). A twin of a checkout that was still running was counted, then
    replayed: its count is taken back from the `counted` limits."""
    if idempotency_key is None:
        return None
    replay = await _claim_key(session, owner=owner, key=idempotency_key, fingerprint=fingerprint)
    if replay is not None:
        for limit in counted:
            await rate_limit.refund(session, key=limit.key)
    return replay


@dataclass(frozen=True)
class CheckoutContext:
    """What the statement locking the buyer's row also read (the SQL budget has no statement
    to spare): the cart's promotion and every active shipping method."""

    promotion: Promotion | None
    shipping_options: list[ShippingOption]


@dataclass(frozen=True)
class LockedBuyer:
    """The buyer's row (an account's `User`, or a guest cart's id), locked until the checkout
    commits, with what the same statement read."""

    row: Any
    pending: dict[uuid.UUID, set[str]]  # the buyer's orders awaiting payment -> their skus
    context: CheckoutContext


def _buyer_column(model: type[Order] | type[CartPromotion], owner: CartOwner) -> Any:
    """`model`'s column that names the buyer: user_id for an account, else guest_cart_id."""
    return getattr(model, owner.column)


async def _lock_buyer_row(
    session: AsyncSession,
    *,
    owner: CartOwner,
    row: Any,
    table: type[User] | type[GuestCart],
    where: tuple[ColumnElement[bool], ...],
) -> LockedBuyer | None:
    """Lock the buyer's row (`table`: the user's, or the guest cart's) and read `row` with
    the buyer's orders awaiting payment and the checkout's context, in one statement: one
    buyer's checkouts run one at a time (superseding and the pending-order cap rely on it).
    None when no row matches `where`."""
    pending_items = (
        select(Order.id.label("order_id"), OrderItem.sku.label("sku"))
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(_buyer_column(Order, owner) == owner.id, Order.status == OrderStatus.PENDING_PAYMENT)
        .subquery()
    )
    rows = (
        await session.execute(
            select(
                row,
                pending_items.c.order_id,
                pending_items.c.sku,
                Promotion,
                shipping.options_column(),
            )
            .select_from(table)
            .outerjoin(pending_items, true())
            .outerjoin(CartPromotion, _buyer_column(CartPromotion, owner) == table.id)
            .outerjoin(Promotion, Promotion.id == CartPromotion.promotion_id)
            .where(*where)
            .with_for_update(of=table)
        )
    ).all()
    if not rows:
        return None
    pending: dict[uuid.UUID, set[str]] = {}
    for _, order_id, sku, _, _ in rows:
        if order_id is not None:
            pending.setdefault(order_id, set()).add(sku)
    context = CheckoutContext(rows[0][3], shipping.options_from_json(rows[0][4]))
    return LockedBuyer(row=rows[0][0], pending=pending, context=context)


class TooManyPendingOrders(Conflict):
    def __init__(self, pending: int) -> None:
        super().__init__(
            f"You already have {pending} orders awaiting payment; pay or cancel one of them "
            "before placing another",
            code="too_many_pending_orders",
            pending_orders=pending,
        )


async def _supersede(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    buyer: Buyer,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> bool:
    """Close an earlier pending order of the buyer: cancel its intent, release its stock.
    False when it must stay open (its payment is under way or needs an admin). (The ids
    come from the buyer's own pending orders.)"""
    order = await lock_order(session, order_id=order_id, user_id=buyer.user_id)
    if order is None or order.status != OrderStatus.PENDING_PAYMENT:
        return True
    if order.attention is not None:
        return False  # Stripe took money that does not match it: for an admin to settle
    actor = buyer.actor
    if order.payment is not None:
        _, settlement = await cancel_or_settle(
            session, order=order, actor=actor, inventory=inventory, stripe=stripe
        )
        if settlement is not None:
            # Paid (or being paid) after all: settled; its lines leave the cart if paid.
            return order.status != OrderStatus.PENDING_PAYMENT
    await close_unpaid(
        session,
        order,
        OrderStatus.CANCELLED,
        actor=actor,
        note=SUPERSEDED_NOTE,
        inventory=inventory,
        reason="replaced by a newer checkout",
    )
    return True


async def _make_room(
    session: AsyncSession,
    request: OrderRequest,
    *,
    pending: dict[uuid.UUID, set[str]],
    cart: list[CartItem],
) -> int:
    """Supersede the user's pending orders that hold any sku of the cart, then check the cap
    on the others; returns how many orders were superseded."""
    if not pending:
        return 0
    buyer, inventory, stripe = request.buyer, request.inventory, request.stripe
    cart_skus = {line.sku for line in cart}
    superseded = still_pending = 0
    try:
        for order_id, skus in pending.items():
            if skus & cart_skus and await _supersede(
                session, order_id=order_id, buyer=buyer, inventory=inventory, stripe=stripe
            ):
                superseded += 1
            else:
                still_pending += 1
        if still_pending >= request.settings.max_pending_orders_per_user:
            raise TooManyPendingOrders(still_pending)
    except ProblemError as problem:
        if not superseded:
            raise
        # Orders were closed at Stripe and the catalog already: keep that committed.
        await _forget_key(session, owner=buyer.owner, idempotency_key=request.idempotency_key)
        raise CheckoutFailed(problem) from problem
    return superseded


# --- create -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountShopper:
    """A signed-in shopper: counted per account, the user's row locked (which also confirms
    the account behind the token, so the route skips the generic check), the addresses from
    the address book or typed in. The order belongs to the account either way; with typed
    addresses its messages go to the email given with them."""

    principal: Principal
    addresses: SavedAddresses | TypedAddresses

    def owner(self) -> CartOwner:
        try:
            return CartOwner.account(self.principal.user_id)
        except ValueError as exc:  # a subject that is not a user id is not a user token
            raise Unauthorized("Invalid token subject") from exc

    async def lock(self, session: AsyncSession, owner: CartOwner) -> LockedBuyer:
        locked = await _lock_buyer_row(
            session,
            owner=owner,
            row=User,
            table=User,
            where=(User.id == owner.id, User.is_active.is_(True)),
        )
        user = None if locked is None else locked.row
        confirm_account(
            self.principal,
            None if user is None else AccountStatus(True, user.role, user.token_version),
        )
        assert locked is not None  # confirm_account raised otherwise
        return locked

    async def buyer(
        self, session: AsyncSession, locked: LockedBuyer
    ) -> tuple[Buyer, AddressLike, AddressLike]:
        """Who buys, and the shipping and billing addresses (404 unless both saved ones are
        the user's)."""
        user: User = locked.row
        buyer = Buyer.of_account(user)
        addresses = self.addresses
        if isinstance(addresses, TypedAddresses):
            buyer = replace(buyer, email=normalise_email(addresses.email))
            return buyer, addresses.shipping, addresses.billing
        book = await _owned_addresses(
            session, user_id=user.id, ids={addresses.shipping_id, addresses.billing_id}
        )
        return buyer, book[addresses.shipping_id], book[addresses.billing_id]


@dataclass(frozen=True)
class GuestShopper:
    """A guest cart (X-Cart-Token): counted per cart, the cart's row locked (404 when it is
    gone), the addresses from the body. The order belongs to no account; its token (256
    random bits) shows it."""

    guest_cart_id: uuid.UUID
    addresses: TypedAddresses

    def owner(self) -> CartOwner:
        return CartOwner.guest(self.guest_cart_id)

    async def lock(self, session: AsyncSession, owner: CartOwner) -> LockedBuyer:
        locked = await _lock_buyer_row(
            session,
            owner=owner,
            row=GuestCart.id,
            table=GuestCart,
            where=(GuestCart.id == owner.id,),
        )
        if locked is None:
            raise NotFound("Unknown or expired cart token; create a new guest cart")
        return locked

    async def buyer(
        self, session: AsyncSession, locked: LockedBuyer
    ) -> tuple[Buyer, AddressLike, AddressLike]:
        addresses = self.addresses
        buyer = Buyer(
            self.owner(),
            None,
            normalise_email(addresses.email),
            None,
            addresses.shipping.phone,
            guest_token=secrets.token_urlsafe(32),
        )
        return buyer, addresses.shipping, addresses.billing


Shopper = AccountShopper | GuestShopper


async def create_payment_intent(
    session: AsyncSession,
    *,
    shopper: Shopper,
    client_address: str,
    counting_sessions: SessionFactory,
    idempotency_key: str | None,
    settings: Settings,
    catalog: CatalogClient,
    inventory: CatalogClient,
    stripe: StripeGateway,
    shipping_method_id: uuid.UUID | None = None,
) -> CheckoutReply:
    """Steps 1-9 above, the same for an account and a guest: `shopper` says who is counted,
    whose row is locked, and who buys to which addresses."""
    fingerprint = request_fingerprint(
        {**shopper.addresses.fingerprint(), **_method_field(shipping_method_id)}
    )
    owner = shopper.owner()
    counted = await count_checkout(
        counting_sessions,
        owner=owner,
        idempotency_key=idempotency_key,
        limits=checkout_limits(settings, owner=owner, client=client_address),
    )
    locked = await shopper.lock(session, owner)
    replay = await _replay(
        session,
        owner=owner,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        counted=counted,
    )
    if replay is not None:
        return replay
    buyer, shipping_address, billing_address = await shopper.buyer(session, locked)
    request = OrderRequest(
        buyer=buyer,
        context=locked.context,
        shipping_method_id=shipping_method_id,
        shipping_address=shipping_address,
        billing_address=billing_address,
        idempotency_key=idempotency_key,
        settings=settings,
        catalog=catalog,
        inventory=inventory,
        stripe=stripe,
    )
    return await _checkout_cart(session, request, pending=locked.pending)


def _method_field(shipping_method_id: uuid.UUID | None) -> dict[str, Any]:
    """In the Idempotency-Key fingerprint only when chosen (keys stored before stay valid)."""
    return {} if shipping_method_id is None else {"shipping_method_id": shipping_method_id}


@dataclass(frozen=True)
class OrderRequest:
    """What steps 3-9 work from once the buyer's row is locked: who buys, what the locking
    statement read, the addresses, method and Idempotency-Key, and the clients they call."""

    buyer: Buyer
    context: CheckoutContext
    shipping_method_id: uuid.UUID | None
    shipping_address: AddressLike
    billing_address: AddressLike
    idempotency_key: str | None
    settings: Settings
    catalog: CatalogClient
    inventory: CatalogClient
    stripe: StripeGateway


async def _checkout_cart(
    session: AsyncSession, request: OrderRequest, *, pending: dict[uuid.UUID, set[str]]
) -> CheckoutReply:
    """Steps 3 (the cart) to 9, for an account or a guest whose row is locked."""
    owner = request.buyer.owner
    cart = await list_cart_items(session, user_id=owner)
    if not cart:
        raise BadRequest("Your cart is empty")
    superseded = await _make_room(session, request, pending=pending, cart=cart)

    async def place(cart: list[CartItem]) -> CheckoutReply:
        try:
            return await _place_order(session, request, cart)
        except OutOfStock:
            # a refusal (priced or reserved short): nothing is kept, so it counts now
            CHECKOUT_OUTCOMES.labels(outcome="conflict").inc()
            raise

    if not superseded:
        return await place(cart)
    savepoint = await session.begin_nested()
    try:
        # A superseded order paid meanwhile took its lines out of the cart: read it again.
        cart = await list_cart_items(session, user_id=owner, fresh=True)
        if not cart:
            raise BadRequest("Your cart is empty")
        reply = await place(cart)
    except CheckoutFailed:
        await savepoint.commit()
        raise
    except ProblemError as problem:
        await savepoint.rollback()
        await _forget_key(session, owner=owner, idempotency_key=request.idempotency_key)
        raise CheckoutFailed(problem) from problem
    await savepoint.commit()
    return reply


async def _place_order(
    session: AsyncSession, request: OrderRequest, cart: list[CartItem]
) -> CheckoutReply:
    """Steps 5-9: price, insert, hold the stock, open the PaymentIntent, record the reply."""
    settings, buyer, inventory = request.settings, request.buyer, request.inventory
    currency = settings.shop_currency.upper()
    variants = await request.catalog.get_variants([c.sku for c in cart])
    priced = _priced_lines(cart, variants, currency)
    ttl = timedelta(seconds=settings.reservation_ttl_seconds)
    pricing = await _price_order(session, request, priced=priced)
    order = await _new_order(
        session, request, priced=priced, pricing=pricing, currency=currency, ttl=ttl
    )
    await session.flush()

    await _hold_stock(order, inventory=inventory, hold=ttl + CATALOG_HOLD_GRACE)
    try:
        intent = await request.stripe.create_payment_intent(
            amount_minor=to_minor_units(order.total, currency),
            currency=currency,
            order_id=str(order.id),
            order_number=order.number,
        )
    except (PaymentProviderUnavailable, StripeRequestRefused) as exc:
        await _give_up_without_payment(session, request, order)
        raise CheckoutFailed(exc) from exc  # 503 outage, 502 refusal

    session.add(
        Payment(
            order_id=order.id,
            provider="stripe",
            payment_intent_id=intent.id,
            client_secret=intent.client_secret,
            amount=order.total,
            currency=currency,
            status=intent.status,
            refunded_amount=money(0),
        )
    )
    emit_order_event(session, order, EventType.ORDER_PLACED)
    body = {
        "order_id": str(order.id),
        "order_number": order.number,
        "payment_intent_id": intent.id,
        "client_secret": intent.client_secret,
        "amount": f"{order.total:.2f}",
        "currency": currency,
        "status": order.status,
        "reservation_expires_at": order.reservation_expires_at.isoformat(),
        "publishable_key": settings.stripe_publishable_key,
    }
    if order.guest_token is not None:
        body["order_token"] = order.guest_token
    if request.idempotency_key is not None:
        await session.execute(
            update(IdempotencyKey)
            .where(_owns_key(buyer.owner), IdempotencyKey.key == request.idempotency_key)
            .values(order_id=order.id, status_code=201, response_body=body)
        )
    await session.flush()
    return CheckoutReply(status_code=201, body=body)


# An order number already in use (the counter was set back, e.g. by a restore) is skipped:
# the counter moves past the highest number in use and the insert is tried again.
ORDER_NUMBER_ATTEMPTS = 3
_MOVE_COUNTER_PAST_USED_NUMBERS = text(
    "SELECT setval('order_number_seq', GREATEST("
    "(SELECT last_value FROM order_number_seq), "
    "(SELECT COALESCE(MAX(CAST(substring(number FROM '([0-9]+)$') AS bigint)), 0) FROM orders)))"
)


async def _insert_order(session: AsyncSession, values: dict[str, Any]) -> Order:
    """INSERT the order, its number from the counter; a number already taken never fails the
    checkout (ON CONFLICT DO NOTHING, then again with the counter moved on)."""
    statement = (
        insert(Order)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Order.number])
        .returning(Order)
    )
    for _ in range(ORDER_NUMBER_ATTEMPTS):
        order = await session.scalar(statement)
        if order is not None:
            return order
        log.warning("order number already in use; moving the counter past the numbers in use")
        await session.execute(_MOVE_COUNTER_PAST_USED_NUMBERS)
    raise ServiceUnavailable("Could not number the order; try again", retry_after=1)


@dataclass(frozen=True)
class PricedOrder:
    quote: Quote
    promo_code: str | None
    shipping_method: str


async def _price_order(
    session: AsyncSession,
    request: OrderRequest,
    *,
    priced: list[tuple[CartItem, CatalogVariant]],
) -> PricedOrder:
    """Subtotal, the promo code's discount, the shipping method's price, the tax."""
    settings, context = request.settings, request.context
    country = request.shipping_address.country
    rules = pricing_rules(settings)
    lines = [PricedLine(v.sku, money(v.price), line.quantity) for line, v in priced]
    subtotal = PricingRules.subtotal_of(lines)
    discount, code = await _promotion_discount(
        session, context.promotion, subtotal, buyer=request.buyer
    )
    options = shipping.applicable(context.shipping_options, country, settings)
    method = shipping.choose(
        options, subtotal - discount, method_id=request.shipping_method_id, currency=rules.currency
    )
    quote = rules.quote(
        lines,
        country=country,
        discount=discount,
        shipping=method.price_for(subtotal - discount, rules.currency),
    )
    return PricedOrder(quote=quote, promo_code=code, shipping_method=method.name)


async def _promotion_discount(
    session: AsyncSession, promotion: Promotion | None, subtotal: Decimal, *, buyer: Buyer
) -> tuple[Decimal, str | None]:
    """The cart's code checked again (409 with the reason); one with a usage or
    per-customer limit is locked first and its uses counted under the lock, so of
    concurrent checkouts exactly as many get it as it has uses left. An unlimited code
    takes no lock: its checkouts need not wait for each other."""
    if promotion is None:
        return money(0), None
    if promotion.usage_limit is not None or promotion.per_customer_limit is not None:
        locked = await promotions.lock_for_checkout(session, promotion.id)
        if locked is None:
            return money(0), None
        promotion = locked
        promotions.check_terms(promotion, subtotal)
        uses = await promotions.count_uses(
            session, promotion.code, user_id=buyer.user_id, email=buyer.email
        )
        promotions.check_uses(promotion, uses)
    else:
        promotions.check_terms(promotion, subtotal)
    return promotions.discount_for(promotion, subtotal), promotion.code


async def _new_order(
    session: AsyncSession,
    request: OrderRequest,
    *,
    priced: list[tuple[CartItem, CatalogVariant]],
    pricing: PricedOrder,
    currency: str,
    ttl: timedelta,
) -> Order:
    """The `pending_payment` order (inserted) with copies of the items and addresses (added,
    not flushed)."""
    buyer, shipping_address = request.buyer, request.shipping_address
    quote = pricing.quote
    if quote.total <= 0:
        raise BadRequest("Nothing to pay for")
    now = datetime.now(UTC)
    order = await _insert_order(
        session,
        {
            "id": uuid.uuid4(),
            "user_id": buyer.user_id,
            "guest_cart_id": buyer.owner.guest_cart_id,
            "guest_token": buyer.guest_token,
            "status": OrderStatus.PENDING_PAYMENT.value,
            "currency": currency,
            "subtotal": quote.subtotal,
            "shipping": quote.shipping,
            "tax": quote.tax,
            "discount": quote.discount,
            "promo_code": pricing.promo_code,
            "shipping_method": pricing.shipping_method,
            "total": quote.total,
            "customer_email": buyer.email,
            "customer_name": buyer.name or shipping_address.full_name,
            "customer_phone": buyer.phone or shipping_address.phone,
            "shipping_address": _snapshot(shipping_address),
            "billing_address": _snapshot(request.billing_address),
            "reservation_expires_at": now + ttl,
            "created_at": now,
            "updated_at": now,
        },
    )
    items = [
        OrderItem(
            order_id=order.id,
            position=position,
            sku=variant.sku,
            product_id=variant.product_id,
            variant_id=variant.variant_id,
            name=variant.display_name[:300],
            unit_price=money(variant.price),
            quantity=line.quantity,
            line_total=money(money(variant.price) * line.quantity),
        )
        for position, (line, variant) in enumerate(priced)
    ]
    session.add_all(items)
    session.add(
        OrderStatusChange(
            order_id=order.id,
            status=order.status,
            actor=buyer.actor,
            note="Order placed",
            at=now,
        )
    )
    set_committed_value(order, "items", items)  # the events list them; no reload needed
    return order


async def _hold_stock(order: Order, *, inventory: CatalogClient, hold: timedelta) -> None:
    """Reserve the items with reservation_id = order id. 409 shortages or 503 roll the
    checkout back (no order is kept, nothing stays held)."""
    try:
        await inventory.reserve(
            reservation_id=order.id,
            items=[StockRequest(sku=i.sku, quantity=i.quantity) for i in order.items],
            ttl_seconds=int(hold.total_seconds()),
        )
    except OutOfStock:
        raise
    except ProblemError:
        # The catalog may have reserved before the connection broke: free it if so.
        await inventory.release_quietly(order.id)
        raise


async def _give_up_without_payment(
    session: AsyncSession, request: OrderRequest, order: Order
) -> None:
    """Stripe failed after the stock was held: free it, keep the order as cancelled."""
    await request.inventory.release_quietly(order.id)
    change_status(
        session,
        order,
        OrderStatus.CANCELLED,
        actor=SYSTEM_ACTOR,
        note="The payment provider was unavailable; the stock hold was released",
    )
    await _forget_key(session, owner=request.buyer.owner, idempotency_key=request.idempotency_key)


async def _forget_key(
    session: AsyncSession, *, owner: CartOwner, idempotency_key: str | None
) -> None:
    """A checkout that failed does not use up its key: the customer may retry with it."""
    if idempotency_key is not None:
        await session.execute(
            delete(IdempotencyKey).where(_owns_key(owner), IdempotencyKey.key == idempotency_key)
        )


# --- confirm ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfirmResult:
    order: Order
    settlement: Settlement
    decline_code: str | None = None


async def confirm_payment(
    session: AsyncSession,
    *,
    owner: CartOwner,
    order_id: uuid.UUID,
    payment_method_id: str | None,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> ConfirmResult:
    """Confirm server-side with `payment_method_id`, or read the intent the browser
    confirmed; then settle. A decline is committed as `payment_failed` (CheckoutFailed).
    `owner`: the account, or the guest cart the order was bought from (404 otherwise)."""
    order = await lock_order_or_404(
        session,
        order_id=order_id,
        user_id=owner.user_id,
        guest_cart_id=owner.guest_cart_id,
    )
    payment = order.payment
    if payment is None:
        raise Conflict("This order has no payment to confirm")
    if order.status != OrderStatus.PENDING_PAYMENT:
        if order.status in (OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED, OrderStatus.CANCELLED):
            raise Conflict(
                f"This order is {order.status}; start a new checkout", status=order.status
            )
        await load_timeline_and_refunds(session, order)
        return ConfirmResult(order=order, settlement="unchanged")  # already paid: a replay

    actor = owner_actor(owner)
    decline_code = None
    if payment_method_id is not None:
        try:
            intent = await stripe.confirm_payment_intent(
                payment.payment_intent_id, payment_method_id=payment_method_id
            )
            news = PaymentNews(intent=intent)
        except PaymentDeclined as declined:
            # After a decline Stripe's intent asks for another payment method.
            decline_code = declined.code
            news = PaymentNews(
                intent=PaymentIntentState(
                    id=payment.payment_intent_id,
                    status="requires_payment_method",
                    amount=to_minor_units(payment.amount, payment.currency),
                    currency=payment.currency,
                    client_secret=None,
                    metadata={},
                    failure_message=declined.message,
                    failure_code=declined.code,
                ),
                attempt_failed=True,
            )
        except PaymentMethodRejected:
            # Stripe refuses to confirm an intent that is already paid: a retry after a
            # failure on our side (catalog down while committing) reads it instead.
            intent = await stripe.retrieve_payment_intent(payment.payment_intent_id)
            if intent.status not in ("succeeded", "processing", "requires_action"):
                raise
            news = PaymentNews(intent=intent)
    else:
        news = PaymentNews(intent=await stripe.retrieve_payment_intent(payment.payment_intent_id))

    settlement = await settle_payment(
        session, order=order, news=news, actor=actor, inventory=inventory, stripe=stripe
    )
    await load_timeline_and_refunds(session, order)
    return ConfirmResult(order=order, settlement=settlement, decline_code=decline_code)
