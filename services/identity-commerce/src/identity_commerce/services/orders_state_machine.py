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
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.PAYMENT_FAILED, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset({S.PROCESSING, S.CANCELLED, S.REFUNDED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.CANCELLED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.PAYMENT_FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Statuses in which the customer has been charged and the stock is committed.
PAID_STATUSES = frozenset({S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED})
# Paid and not shipped: the committed units are still on the shelf, so cancelling or refunding
# the order puts them back (once, keyed by the order). Shipped goods are not restocked.
STOCK_RETURNS_ON_REFUND = frozenset({S.PAID, S.PROCESSING})
# Statuses a shopper may cancel from: before payment (release) or paid but not shipped (refund).
CUSTOMER_CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.PAID, S.PROCESSING})
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
