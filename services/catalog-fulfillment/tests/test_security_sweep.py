"""Every secured route refuses missing and bad tokens; privileged ones refuse weaker roles."""

from pathlib import Path

import httpx
from shopkit.testing.security import assert_auth_enforced
from shopkit.testing.tokens import TokenFactory

INVENTORY_PROTOCOL = (
    "POST /inventory/reserve",
    "POST /inventory/commit",
    "POST /inventory/release",
    "POST /inventory/restock",
)


async def test_every_secured_route_enforces_its_tokens(
    client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path
) -> None:
    checked = await assert_auth_enforced(
        client,
        tokens,
        tmp_path,
        privileged=("/admin", "GET /inventory/{sku}", "POST /fulfillments/{order_id}/status"),
        service_only=(*INVENTORY_PROTOCOL, "POST /fulfillments", "POST /reviews/reverify"),
    )
    assert checked >= 15
