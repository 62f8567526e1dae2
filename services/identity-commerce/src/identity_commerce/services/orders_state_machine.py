"""The order life cycle as data: which status may follow which (the "State machine" of
docs/api/identity-commerce-orders.md).

Pure module, no I/O, so the rules are tested on their own and every path that changes an
order's status (checkout, webhooks, the expiry sweeper, customers, admins) asks it first.
"""

from __future__ import annotations

from shopkit.errors import Conflict

# The statuses are the names the orders table holds; this module says how they follow.
from identity_commerce.models.order_status import OrderStatus

S = OrderStatus
# A partial refund (some lines, the shipping or an amount) may happen at any point after
# payment; the order then is `partially_refunded` and still goes on: it may be processed,
# shipped and delivered (each step moves it out of `partially_refunded`, and a later partial
# refund moves it back) or refunded in full (what is left of the money; the units neither
# refunded nor shipped go back on the shelf). Whether it has shipped is what the shipment
# facts on the order say (`tracking_number`).
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.PAYMENT_FAILED, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset({S.PROCESSING, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset(
        {S.PARTIALLY_REFUNDED, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.REFUNDED}
    ),
    S.PAYMENT_FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Statuses in which the customer has been charged and the stock is committed.
PAID_STATUSES = frozenset({S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PARTIALLY_REFUNDED})
# Where a refund of some of the money may start (`POST /admin/orders/{id}/refunds`).
PARTIALLY_REFUNDABLE = PAID_STATUSES
# Paid and not shipped: the committed units are still on the shelf, so cancelling or refunding
# the order puts them back (once, keyed by the order). Shipped goods are not restocked.
STOCK_RETURNS_ON_REFUND = frozenset({S.PAID, S.PROCESSING})
# Statuses a shopper may cancel from: before payment (release) or paid but not shipped (refund).
CUSTOMER_CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.PAID, S.PROCESSING})
# Where a shopper may ask to return units (and the order must have been delivered).
RETURNABLE = frozenset({S.DELIVERED, S.PARTIALLY_REFUNDED})
# What an admin may set by hand; paid/payment_failed/expired only come from payments and time.
ADMIN_SETTABLE = frozenset({S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED, S.REFUNDED})
FINAL_STATUSES = frozenset(status for status, nxt in TRANSITIONS.items() if not nxt)


class IllegalTransition(Conflict):
    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        super().__init__(
            f"An order in status '{current}' cannot become '{target}'",
            current_status=str(current),
            allowed=sorted(str(s) for s in TRANSITIONS[current]),
        )


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def ensure_transition(current: OrderStatus | str, target: OrderStatus | str) -> OrderStatus:
    """The target status, or 409 when the state machine does not allow the step."""
    current, target = OrderStatus(current), OrderStatus(target)
    if not can_transition(current, target):
        raise IllegalTransition(current, target)
    return target
