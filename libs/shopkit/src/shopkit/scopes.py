"""Service-token scopes: the names, and which calling service may hold which.

A service token names the scopes its caller asks for (`scope`, space-separated). The
receiving service believes a scope only when the table below grants it to the service whose
key signed the token, so a leaked or misused notifications key cannot mint `inventory:write`
whatever it writes into the claim. Routes then ask for one scope each (shopkit.auth).

The table is code, not configuration, on purpose: widening what a service may do is a
reviewed change, never an environment variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# catalog-fulfillment
INVENTORY_READ = "inventory:read"  # stock levels, exact counts
INVENTORY_WRITE = "inventory:write"  # reserve / commit / release / restock
FULFILLMENTS_WRITE = "fulfillments:write"  # record and advance shipments (and read them)
REVIEWS_WRITE = "reviews:write"  # re-check reviews' verified purchases
# identity-commerce
PURCHASES_READ = "purchases:read"  # "did this user buy this product?"
ACCOUNTS_READ = "accounts:read"  # is an account active, its role and token version
# notifications
EVENTS_WRITE = "events:write"  # post events to /notify (and read what was sent)

ALL_SCOPES = frozenset(
    {
        INVENTORY_READ,
        INVENTORY_WRITE,
        FULFILLMENTS_WRITE,
        REVIEWS_WRITE,
        PURCHASES_READ,
        ACCOUNTS_READ,
        EVENTS_WRITE,
    }
)

# The most each calling service may hold, by the name of the key that signs its tokens.
GRANTS: Mapping[str, frozenset[str]] = {
    "identity-commerce": frozenset(
        {INVENTORY_READ, INVENTORY_WRITE, FULFILLMENTS_WRITE, REVIEWS_WRITE, EVENTS_WRITE}
    ),
    "catalog-fulfillment": frozenset({PURCHASES_READ, ACCOUNTS_READ, EVENTS_WRITE}),
    "notifications": frozenset({ACCOUNTS_READ}),
}


def granted(service: str, claimed: Iterable[str]) -> frozenset[str]:
    """The claimed scopes that `service` may hold; anything else is dropped."""
    return frozenset(claimed) & GRANTS.get(service, frozenset())


def format_scopes(scopes: Iterable[str]) -> str:
    """The `scope` claim: sorted, space-separated (RFC 8693 / RFC 9068 style)."""
    return " ".join(sorted(set(scopes)))


def parse_scopes(claim: object) -> frozenset[str]:
    """The scopes of a `scope` claim; a claim that is not a string names none."""
    if not isinstance(claim, str):
        return frozenset()
    return frozenset(part for part in claim.split(" ") if part)
