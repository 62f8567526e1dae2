# ruff: noqa: S311  (random picks of requests, not secrets)
"""Latency benchmark of the catalog's read paths (not a test).

Given a running catalog-fulfillment (seeded with `scripts/seed.py --products 100000
--stores 100000`), runs each scenario with 20 concurrent clients and prints a markdown
table of p50/p95 latencies:

    uv run python bench/catalog_bench.py --url http://127.0.0.1:8002 [--requests 400]

Scenarios: product list (random page, sort and category), search (real words, phrases and
typos), product detail (random products) and nearby stores (random city centres).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx

SORTS = ["newest", "price_asc", "price_desc", "rating", "relevance"]
SEARCHES = [
    "laptop",
    "wireless headphones",
    "running shoes",
    "tent",
    "coffee grinder",
    "kettle",
    "smartwatch",
    "jacket",
    "backpack",
    "novel",
    "ultralight tent",
    "desk lamp",
    "lapotp",
    "hedphones",
    "backpak",
    "sweatr",
    "camra",  # typos
]
CITIES = [
    (40.7128, -74.0060),
    (51.5074, -0.1278),
    (48.8566, 2.3522),
    (52.5200, 13.4050),
    (35.6762, 139.6503),
    (-33.8688, 151.2093),
    (37.7749, -122.4194),
    (41.3874, 2.1686),
    (45.4642, 9.1900),
    (19.0760, 72.8777),
    (-23.5505, -46.6333),
    (55.6761, 12.5683),
]


class LeanConnection:
    """A bare HTTP/1.1 keep-alive GET client on asyncio streams.

    The server, PostgreSQL and this client share two cores; httpx spends about a
    millisecond of CPU per request, which would be measured as server latency. This spends
    a small fraction of that. It understands what uvicorn answers here: a status line,
    headers and a Content-Length body.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, object]) -> int:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        target = path + ("?" + urlencode(params) if params else "")
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\nAccept: application/json\r\n\r\n"
        self.writer.write(request.encode())
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.writer = None
            raise
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Result:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]


async def run_scenario(
    base_url: str,
    name: str,
    make_request: Callable[[random.Random], tuple[str, dict[str, object]]],
    *,
    requests: int,
    concurrency: int,
) -> Result:
    result = Result(name)
    queue = list(range(requests))

    url = urlsplit(base_url)

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = LeanConnection(url.hostname or "127.0.0.1", url.port or 80)
        while queue:
            queue.pop()
            path, params = make_request(rng)
            started = time.perf_counter()
            try:
                ok = await connection.get(path, params) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            if ok:
                result.latencies_ms.append(elapsed)
            else:
                result.errors += 1
        await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    result.elapsed_s = time.perf_counter() - started
    return result


# issue goals with 20 concurrent clients on a 2-core machine
GOALS_P95_MS = {"product list": 50, "search": 100, "product detail": 50, "nearby stores": 50}


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8002")
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured requests per scenario")
    parser.add_argument("--json", action="store_true", help="print JSON (for make bench)")
    args = parser.parse_args()

    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=args.url, timeout=30, limits=limits) as client:
        categories = [
            c["slug"]
            for root in (await client.get("/catalog/categories")).json()
            for c in [root, *root["children"]]
        ]
        sample = (
            await client.get("/catalog/products", params={"page_size": 100, "sort": "price_asc"})
        ).json()
        sample_b = (
            await client.get("/catalog/products", params={"page_size": 100, "page": 50})
        ).json()
        product_ids = [p["id"] for p in sample["items"] + sample_b["items"]]
        total = sample["total"]
        if not product_ids:
            print("the catalog is empty: seed it first", file=sys.stderr)
            return 1

        def product_list(rng: random.Random) -> tuple[str, dict[str, object]]:
            params: dict[str, object] = {"sort": rng.choice(SORTS[:4]), "page": rng.randint(1, 5)}
            if rng.random() < 0.5:
                params["category"] = rng.choice(categories)
            if rng.random() < 0.2:
                params["in_stock"] = "true"
            return "/catalog/products", params

        def search(rng: random.Random) -> tuple[str, dict[str, object]]:
            return "/catalog/search", {"q": rng.choice(SEARCHES)}

        def detail(rng: random.Random) -> tuple[str, dict[str, object]]:
            return f"/catalog/products/{rng.choice(product_ids)}", {}

        def nearby(rng: random.Random) -> tuple[str, dict[str, object]]:
            lat, lng = rng.choice(CITIES)
            return "/stores/nearby", {
                "lat": lat + rng.uniform(-0.2, 0.2),
                "lng": lng + rng.uniform(-0.2, 0.2),
                "radius_km": 25,
            }

        scenarios = [
            ("product list", product_list),
            ("search", search),
            ("product detail", detail),
            ("nearby stores", nearby),
        ]
        results = []
        for name, make in scenarios:
            await run_scenario(
                args.url, name, make, requests=args.warmup, concurrency=args.concurrency
            )
            results.append(
                await run_scenario(
                    args.url, name, make, requests=args.requests, concurrency=args.concurrency
                )
            )

    if args.json:
        print(
            json.dumps(
                {
                    "products": total,
                    "concurrency": args.concurrency,
                    "results": {
                        r.name: {
                            "requests": len(r.latencies_ms) + r.errors,
                            "errors": r.errors,
                            "p50_ms": round(r.percentile(50), 1),
                            "p95_ms": round(r.percentile(95), 1),
                            "rps": round(len(r.latencies_ms) / r.elapsed_s, 1),
                            "goal_p95_ms": GOALS_P95_MS[r.name],
                        }
                        for r in results
                    },
                }
            )
        )
        return 1 if any(r.errors for r in results) else 0
    print(
        f"catalog-fulfillment at {args.url}: {total} products, "
        f"{args.concurrency} concurrent clients, {args.requests} requests per scenario\n"
    )
    print("| scenario | requests | errors | p50 ms | p95 ms | max ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        slowest = max(r.latencies_ms, default=float("nan"))
        print(
            f"| {r.name} | {len(r.latencies_ms) + r.errors} | {r.errors} | "
            f"{r.percentile(50):.1f} | {r.percentile(95):.1f} | {slowest:.1f} | "
            f"{len(r.latencies_ms) / r.elapsed_s:.0f} |"
        )
    if any(r.latencies_ms for r in results):
        print(
            f"\nmedian of all p50s: {statistics.median(r.percentile(50) for r in results):.1f} ms"
        )
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
