"""Every secured route refuses missing and bad tokens; privileged ones refuse weaker roles."""

from shopkit.testing.security import AuthSweep

INVENTORY_PROTOCOL = (
    "POST /inventory/reserve",
    "POST /inventory/commit",
    "POST /inventory/release",
    "POST /inventory/restock",
)


class TestAuthSweep(AuthSweep):
    privileged = ("/admin", "GET /inventory/{sku}", "POST /fulfillments/{order_id}/status")
    service_only = (*INVENTORY_PROTOCOL, "POST /fulfillments", "POST /reviews/reverify")
    at_least = 15
