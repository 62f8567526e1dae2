"""/checkout: turn the cart into an order awaiting payment, then confirm the payment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, status
from fastapi.responses import JSONResponse
from shopkit.auth import require_roles, verified_principal
from shopkit.db import SessionDep
from shopkit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RequestInvalid,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    error_responses,
)
from shopkit.tokens import USER_ROLES, Principal

from identity_commerce.api.cart import UNKNOWN_GUEST_CART, CartOwnerDep, GuestCartOrBearer
from identity_commerce.api.deps import (
    CatalogDep,
    ClientAddress,
    SessionFactoryDep,
    SettingsDep,
    StripeDep,
    bearer_or_guest_token,
)
from identity_commerce.clients.stripe import StripeRequestRefused
from identity_commerce.models import GuestCart
from identity_commerce.schemas.fields import CountryCode
from identity_commerce.schemas.orders import (
    ConfirmIn,
    CreatePaymentIntentIn,
    GuestCreatePaymentIntentIn,
    OrderOut,
    PaymentIntentOut,
    ShippingMethodOption,
)
from identity_commerce.schemas.problems import OutOfStockProblem, PaymentDeclinedProblem
from identity_commerce.services import cart, cart_promo, checkout, shipping

router = APIRouter(prefix="/checkout", tags=["checkout"])

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Any printable key; the same key (and body) replays the first reply",
    ),
]


_SHOPPER_UNCONFIRMED = require_roles(*USER_ROLES, confirm=False)


async def _checkout_caller(request: Request, caller: GuestCartOrBearer) -> Principal | GuestCart:
    """A signed-in shopper (the checkout confirms the account while locking its row), or,
    without Authorization, the guest cart of X-Cart-Token."""
    if isinstance(caller, GuestCart):
        return caller
    return await _SHOPPER_UNCONFIRMED(await verified_principal(request, caller))


@router.get(
    "/shipping-methods",
    openapi_extra=bearer_or_guest_token(),
    response_model=list[ShippingMethodOption],
    summary="The shipping methods for a country, priced for my cart",
    description=(
        "For the signed-in shopper's cart, or the guest cart of `X-Cart-Token`. Each method "
        "costs its price, or 0 once the cart's subtotal after its promo code reaches "
        "`free_over`. Cheapest first (ties by name); checkout picks the first when no "
        "`shipping_method_id` is sent. With no method configured, the flat rule of the "
        "settings is the one method, `Standard`, with `id` null."
    ),
    responses=error_responses(
        Unauthorized, Forbidden, NotFound.documented(UNKNOWN_GUEST_CART), RequestInvalid
    ),
)
async def shipping_methods(
    country: CountryCode,
    owner: CartOwnerDep,
    session: SessionDep,
    settings: SettingsDep,
    catalog: CatalogDep,
) -> list[ShippingMethodOption]:
    view = await cart.view_cart(session, catalog, owner=owner)
    promo = await cart_promo.current(session, owner=owner, subtotal=view.subtotal)
    subtotal = view.subtotal - (promo.discount if promo else 0)
    options = shipping.applicable(await shipping.active_options(session), country, settings)
    currency = settings.shop_currency.upper()
    return sorted(
        (
            ShippingMethodOption.of(option, option.price_for(subtotal, currency))
            for option in options
        ),
        key=lambda option: (option.price, option.name),
    )


def committed_problem(failed: checkout.CheckoutFailed) -> JSONResponse:
    """Answer with the error *and* keep the transaction (cancelled order, failed payment):
    returning, not raising, lets the session commit."""
    problem = failed.problem
    return JSONResponse(problem.body(), status_code=problem.status_code, headers=problem.headers)


@router.post(
    "/create-payment-intent",
    openapi_extra=bearer_or_guest_token(),
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentIntentOut,
    summary="Place an order for the cart and open its Stripe PaymentIntent",
    description=(
        "Prices come from catalog-fulfillment, shipping and tax from the server's rules. The "
        "cart's promo code (POST /cart/promo) is checked again and its discount taken off the "
        "subtotal before tax; `shipping_method_id` picks one of GET /checkout/shipping-methods "
        "(default: the cheapest for this cart). The "
        "stock is held until `reservation_expires_at`; unpaid orders then expire. "
        "With an `Idempotency-Key`, a repeat returns the first reply "
        "(header `Idempotent-Replayed: true`) and creates nothing. "
        "A new checkout supersedes (cancels, releasing their stock) the caller's orders "
        "still awaiting payment that hold any sku of the cart; a caller may have at most "
        "`MAX_PENDING_ORDERS_PER_USER` other orders awaiting payment, and may start "
        "`CHECKOUT_MAX_PER_USER` checkouts (`CHECKOUT_MAX_PER_CLIENT` per client address) "
        "per `CHECKOUT_RATE_WINDOW_SECONDS`. "
        "A guest sends `X-Cart-Token` (no Authorization) and "
        "`{email, shipping_address, billing_address?}`: the same rules apply per guest cart "
        "and per client address, and the reply adds `order_token` (send it as "
        "`X-Order-Token` to `GET /orders/{order_id}`). "
        "A signed-in shopper may send that typed shape too (a one-off address, not saved "
        "to the address book): the order is still the account's, and its messages go to "
        "`email`. A guest's body with address ids is 422 (a guest has no address book)."
    ),
    responses=error_responses(
        BadRequest.documented("The cart is empty"),
        Unauthorized,
        Forbidden,
        NotFound.documented("An address does not exist or is not yours"),
        RequestInvalid.documented(
            "Invalid body or Idempotency-Key, or the key was used with another body"
        ),
        TooManyRequests.documented(
            "Too many checkouts started by this account or address "
            "(`code`: `checkout_rate_limited`; see Retry-After)"
        ),
        ServiceUnavailable.documented(
            "catalog-fulfillment or Stripe is down: nothing is held (see Retry-After)"
        ),
        StripeRequestRefused.documented("Stripe refused to open the payment; nothing is held"),
        Conflict.documented(
            "Not enough stock (`shortages`), no order is kept; or too many orders awaiting "
            "payment (`code`: `too_many_pending_orders`); or the cart's promo code no longer "
            "applies (`code`: inactive, not_started, expired, below_minimum, used_up, "
            "per_customer_limit; remove it with DELETE /cart/promo or change the cart); or "
            "the shipping method is not offered for the address (`code`: "
            "`shipping_method_unavailable`)",
            body=OutOfStockProblem,
        ),
    ),
)
async def create_payment_intent(
    body: CreatePaymentIntentIn | GuestCreatePaymentIntentIn,
    caller: Annotated[Principal | GuestCart, Depends(_checkout_caller)],
    client: ClientAddress,
    session: SessionDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
    catalog: CatalogDep,
    inventory: CatalogDep,
    stripe: StripeDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    addresses = _checkout_addresses(body)
    shopper: checkout.Shopper
    if isinstance(caller, GuestCart):
        if not isinstance(addresses, checkout.TypedAddresses):
            raise WrongCheckoutBody(GUEST_BODY)
        shopper = checkout.GuestShopper(caller.id, addresses)
    else:
        shopper = checkout.AccountShopper(caller, addresses)
    try:
        reply = await checkout.create_payment_intent(
            session,
            shopper=shopper,
            client_address=client,
            counting_sessions=sessions,
            shipping_method_id=body.shipping_method_id,
            idempotency_key=idempotency_key,
            settings=settings,
            catalog=catalog,
            inventory=inventory,
            stripe=stripe,
        )
    except checkout.CheckoutFailed as failed:
        return committed_problem(failed)
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else None
    return JSONResponse(reply.body, status_code=reply.status_code, headers=headers)


class WrongCheckoutBody(RequestInvalid):
    """A body meant for the other kind of checkout. Answered in the 422 shape the route
    documents (FastAPI's list of problems), so clients read every 422 the same way."""

    def body(self) -> dict[str, Any]:
        return {"detail": [{"type": "value_error", "loc": ["body"], "msg": self.detail}]}


GUEST_BODY = "A guest checkout takes {email, shipping_address, billing_address?}"


def _checkout_addresses(
    body: CreatePaymentIntentIn | GuestCreatePaymentIntentIn,
) -> checkout.SavedAddresses | checkout.TypedAddresses:
    if isinstance(body, CreatePaymentIntentIn):
        return checkout.SavedAddresses(body.shipping_address_id, body.billing_address_id)
    return checkout.TypedAddresses(
        body.email, body.shipping_address, body.billing_address or body.shipping_address
    )


@router.post(
    "/confirm",
    openapi_extra=bearer_or_guest_token(),
    response_model=OrderOut,
    summary="Confirm the order's payment (server-side, or after Stripe.js)",
    description=(
        "With `payment_method_id` the PaymentIntent is confirmed here. Without it the "
        "PaymentIntent is read (the browser confirmed it with Stripe.js). Either way the "
        "outcome is the same as the webhook's, and whichever comes first does the work. "
        "An order still waiting (3-D Secure: `payment.status` = `requires_action`) is "
        "returned as `pending_payment` with its `client_secret`."
    ),
    responses=error_responses(
        BadRequest.documented("Stripe refused the payment method"),
        Unauthorized,
        Forbidden,
        NotFound.documented("No such order, or not yours"),
        Conflict.documented(
            "The order is no longer awaiting payment (failed, expired or cancelled), "
            "or Stripe took another amount or currency than the order's (`code`: "
            "`payment_amount_mismatch`; not marked paid, held for an admin)"
        ),
        RequestInvalid,
        ServiceUnavailable.documented(
            "Stripe or catalog-fulfillment is down; try again (see Retry-After)"
        ),
        StripeRequestRefused.documented(
            "Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed"
        ),
        PaymentRequired.documented("Declined; order payment_failed", body=PaymentDeclinedProblem),
    ),
)
async def confirm(
    body: ConfirmIn,
    owner: CartOwnerDep,
    session: SessionDep,
    inventory: CatalogDep,
    stripe: StripeDep,
) -> OrderOut | JSONResponse:
    result = await checkout.confirm_payment(
        session,
        owner=owner,
        order_id=body.order_id,
        payment_method_id=body.payment_method_id,
        inventory=inventory,
        stripe=stripe,
    )
    if result.settlement == "failed":
        # Returned, not raised: the payment_failed order and released stock are committed.
        payment = result.order.payment
        return JSONResponse(
            {
                "detail": (payment.failure_message if payment else None) or "Payment declined",
                "order_id": str(result.order.id),
                "status": result.order.status,
                "decline_code": result.decline_code or (payment.failure_code if payment else None),
            },
            status_code=status.HTTP_402_PAYMENT_REQUIRED,
        )
    if result.settlement == "mismatch":
        # Returned, not raised: the order's flag and timeline note are committed.
        return JSONResponse(
            {
                "detail": "The payment does not match this order's amount; it was not "
                "marked paid and an admin will look into it",
                "code": "payment_amount_mismatch",
                "order_id": str(result.order.id),
                "status": result.order.status,
            },
            status_code=status.HTTP_409_CONFLICT,
        )
    return OrderOut.of(result.order)
