"""Errors that several identity-commerce routes document (`responses=`), stated once.
The 401 and 403 of a route behind a token come from `shopkit.errors.behind_token`."""

from __future__ import annotations

from identity_commerce.clients.stripe import StripeRequestRefused

# A route that asks Stripe about a PaymentIntent the shop already holds (refund, cancel,
# confirm): the 502 when Stripe turns the request down.
STRIPE_REFUSED = StripeRequestRefused.documented(
    "Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed"
)
