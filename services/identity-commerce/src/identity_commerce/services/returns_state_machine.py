"""The life cycle of a return as data (like orders_state_machine.py): a shopper requests,
an admin approves or rejects, and receiving the approved parcel refunds and restocks."""

from __future__ import annotations

from shopkit.errors import Conflict

from identity_commerce.models.order_return import ReturnStatus

R = ReturnStatus
RETURN_TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    R.REQUESTED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.RECEIVED}),
    R.REJECTED: frozenset(),
    R.RECEIVED: frozenset(),
}
# Returns whose units are spoken for: the same units cannot be asked back again meanwhile.
OPEN_RETURNS = frozenset({R.REQUESTED, R.APPROVED})
FINAL_RETURN_STATUSES = frozenset(s for s, nxt in RETURN_TRANSITIONS.items() if not nxt)


class IllegalReturnTransition(Conflict):
    def __init__(self, current: ReturnStatus, target: ReturnStatus) -> None:
        super().__init__(
            f"A return in status '{current}' cannot become '{target}'",
            code="illegal_return_transition",
            current_status=str(current),
            allowed=sorted(str(s) for s in RETURN_TRANSITIONS[current]),
        )


def ensure_return_transition(
    current: ReturnStatus | str, target: ReturnStatus | str
) -> ReturnStatus:
    """The target status, or 409 when the life cycle does not allow the step."""
    current, target = ReturnStatus(current), ReturnStatus(target)
    if target not in RETURN_TRANSITIONS[current]:
        raise IllegalReturnTransition(current, target)
    return target
