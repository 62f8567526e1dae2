"""The errors routes document (`responses=`) that most of them share, stated once."""

from __future__ import annotations

from typing import Any, TypeAlias

from shopkit.errors import DocumentedError, Forbidden, ProblemError, Unauthorized, error_responses

from identity_commerce.clients.stripe import StripeRequestRefused

# An error class as it documents itself, or one `.documented(...)` for a route.
Documented: TypeAlias = type[ProblemError] | DocumentedError


def behind_token(*errors: Documented, forbidden: Documented = Forbidden) -> dict[int | str, Any]:
    """`responses=` of a route that takes a token (a guest route too, where one is sent):
    401 for a missing, invalid or expired token, 403 (`forbidden`) for one that may not do
    this, then what the route itself can answer (`errors`, in the order documented)."""
    return error_responses(Unauthorized, forbidden, *errors)


# A route that asks Stripe about a PaymentIntent the shop already holds (refund, cancel,
# confirm): the 502 when Stripe turns the request down.
STRIPE_REFUSED = StripeRequestRefused.documented(
    "Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed"
)
