# ruff: noqa: S311  (random picks of requests, not secrets)
"""CPU per request of the catalog's reads, in-process (not a test).

Calls the ASGI app directly (no HTTP, no other process) with the catalog bench's request
mix and reports `time.process_time()` per request: the service's own Python CPU, without
the network, the load generator or the neighbours of a shared machine. PostgreSQL's share
is not in it (catalog_bench.py measures both).

    CATALOG_DATABASE_URL=postgresql+psycopg://... uv run python bench/inprocess_cpu.py

To compare with another version of the code, run it with that version first on the path:
    PYTHONPATH=<checkout>/services/catalog-fulfillment/src:<checkout>/libs/shopkit/src ...
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Callable

os.environ.setdefault("OUTBOX_RELAY_ENABLED", "false")
os.environ.setdefault("RESERVATION_SWEEPER_ENABLED", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from catalog_fulfillment.main import create_app  # noqa: E402
from fastapi import FastAPI  # noqa: E402

WARMUP, REQUESTS = 300, 2000


async def call(app: FastAPI, path: str) -> bytes:
    target, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target,
        "raw_path": target.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"catalog")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    body: list[bytes] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            body.append(message.get("body", b""))  # type: ignore[arg-type]

    await app(scope, receive, send)
    return b"".join(body)


async def main() -> None:
    app = create_app()
    async with app.router.lifespan_context(app):
        await asyncio.sleep(1.5)  # the cache's change listener connects
        tree = json.loads(await call(app, "/catalog/categories"))
        categories = [c["slug"] for root in tree for c in [root, *root["children"]]]
        page = json.loads(await call(app, "/catalog/products?page_size=100"))
        ids = [item["id"] for item in page["items"]]
        rng = random.Random(1)

        def listing() -> str:
            sort = rng.choice(["newest", "price_asc", "price_desc", "rating"])
            query = f"sort={sort}&page={rng.randint(1, 5)}"
            if rng.random() < 0.5:
                query += f"&category={rng.choice(categories)}"
            if rng.random() < 0.2:
                query += "&in_stock=true"
            return "/catalog/products?" + query

        words = ["laptop", "wireless%20headphones", "tent", "kettle", "hedphones", "backpak"]
        scenarios: dict[str, Callable[[], str]] = {
            "GET /health": lambda: "/health",
            "product list": listing,
            "search": lambda: "/catalog/search?q=" + rng.choice(words),
            "product detail": lambda: "/catalog/products/" + rng.choice(ids),
            "nearby stores": lambda: (
                f"/stores/nearby?lat={48.85 + rng.uniform(-0.2, 0.2)}"
                f"&lng={2.35 + rng.uniform(-0.2, 0.2)}&radius_km=25"
            ),
        }
        print("| scenario | service CPU ms per request (in-process) |\n|---|---:|")
        for name, make in scenarios.items():
            for _ in range(WARMUP):
                await call(app, make())
            started = time.process_time()
            for _ in range(REQUESTS):
                await call(app, make())
            print(f"| {name} | {(time.process_time() - started) / REQUESTS * 1000:.2f} |")


if __name__ == "__main__":
    asyncio.run(main())
