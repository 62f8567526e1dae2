# ruff: noqa: S311  (random picks of requests, not secrets)
"""Closed-loop benchmark of the catalog's read paths (not a test).

Given a running catalog-fulfillment (seeded with `scripts/seed.py --products 100000
--stores 10000`; `scripts/stack.py run --profile bench` does it), runs each scenario with
20 concurrent clients, each sending its next request as soon as the last one answered,
and prints a markdown table:

    uv run python bench/catalog_bench.py --url http://127.0.0.1:8002 \\
        [--database-url postgresql+psycopg://...] [--only list] [--requests 2000]

Scenarios: bare GET /health (the framework's ceiling, measured with the same client),
product list (random page, sort and category), search (real words, phrases and typos),
product detail (random products), nearby stores (random city centres), and a mix of the
four reads. Per scenario: p50/p95 next to the goal, requests per second and their ratio to
/health's, and the CPU milliseconds one request cost, summed over the service's processes
and its PostgreSQL backends (read from /proc before and after; see procstat.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

# procstat is shared with the checkout bench, in the repository's bench/ folder
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from procstat import CpuMeter  # noqa: E402

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
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else 0.0

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


# Goals on a 2-core machine with 20 concurrent clients and everything on it.
GOALS_P95_MS = {"product list": 50, "search": 75, "product detail": 25, "nearby stores": 40}
GOAL_THROUGHPUT_RATIO = 0.4  # catalog reads per second / bare GET /health per second


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8002")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per scenario")
    parser.add_argument(
        "--only", action="append", help="run only the scenarios whose name contains this"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CATALOG_DATABASE_URL"),
        help="the service's database, to add its PostgreSQL backends to the CPU figures "
        "(default: CATALOG_DATABASE_URL)",
    )
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

    def health(rng: random.Random) -> tuple[str, dict[str, object]]:
        return "/health", {}

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

    reads = [product_list, search, detail, nearby]

    def catalog_mix(rng: random.Random) -> tuple[str, dict[str, object]]:
        return rng.choice(reads)(rng)

    scenarios = [
        ("GET /health", health),
        ("product list", product_list),
        ("search", search),
        ("product detail", detail),
        ("nearby stores", nearby),
        ("catalog reads (mix)", catalog_mix),
    ]
    if args.only:
        scenarios = [(n, m) for n, m in scenarios if any(o in n for o in args.only)]
    meter = CpuMeter(urlsplit(args.url).port or 80, args.database_url)
    results = []
    for name, make in scenarios:
        await run_scenario(args.url, name, make, requests=args.warmup, concurrency=args.concurrency)
        before = meter.snapshot()
        result = await run_scenario(
            args.url, name, make, requests=args.requests, concurrency=args.concurrency
        )
        result.cpu = meter.spent(before, meter.snapshot())
        results.append(result)

    summary = summarise(results, measured_database=bool(args.database_url))
    if args.json:
        print(json.dumps({"products": total, "concurrency": args.concurrency, **summary}))
        return 1 if any(r.errors for r in results) else 0
    print(
        f"catalog-fulfillment at {args.url}: {total} products, "
        f"{args.concurrency} concurrent clients, {args.requests} requests per scenario\n"
    )
    print(markdown(summary))
    return 1 if any(r.errors for r in results) else 0


def summarise(results: list[Result], *, measured_database: bool) -> dict[str, object]:
    ceiling = next((r.rps for r in results if r.name == "GET /health"), None)
    rows: dict[str, dict[str, object]] = {}
    for r in results:
        served = len(r.latencies_ms) or 1
        rows[r.name] = {
            "requests": len(r.latencies_ms) + r.errors,
            "errors": r.errors,
            "p50_ms": round(r.percentile(50), 1),
            "p95_ms": round(r.percentile(95), 1),
            "rps": round(r.rps, 1),
            "goal_p95_ms": GOALS_P95_MS.get(r.name),
            "rps_vs_health": round(r.rps / ceiling, 3) if ceiling else None,
            "cpu_ms_per_request": round(r.cpu["total_ms"] / served, 3),
            "service_cpu_ms_per_request": round(r.cpu["service_ms"] / served, 3),
            "database_cpu_ms_per_request": round(r.cpu["database_ms"] / served, 3),
            # share of the machine's CPU the load generator itself used during the run
            "client_cpu_share": round(
                r.cpu["client_ms"] / 1000 / r.elapsed_s / (os.cpu_count() or 1), 3
            ),
        }
    mix = rows.get("catalog reads (mix)")
    return {
        "results": rows,
        "health_rps": ceiling,
        "throughput_ratio": mix["rps_vs_health"] if mix else None,
        "goal_throughput_ratio": GOAL_THROUGHPUT_RATIO,
        "cpu_counts_database": measured_database,
    }


def markdown(summary: dict[str, object]) -> str:
    rows: dict[str, dict[str, object]] = summary["results"]  # type: ignore[assignment]
    lines = [
        "| scenario | requests | errors | p50 ms | p95 ms | goal p95 | req/s | ÷ /health "
        "| CPU ms/req (service + PostgreSQL) | load generator CPU |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|---:|",
    ]
    for name, row in rows.items():
        goal = row["goal_p95_ms"]
        verdict = (
            "-"
            if goal is None
            else f"< {goal} ms "
            + (
                "met" if float(row["p95_ms"]) < float(goal) else "missed"  # type: ignore[arg-type]
            )
        )
        ratio = row["rps_vs_health"] if name != "GET /health" else None
        lines.append(
            f"| {name} | {row['requests']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {verdict} | {row['rps']} | {ratio or '-'} | {row['cpu_ms_per_request']} "
            f"({row['service_cpu_ms_per_request']} + {row['database_cpu_ms_per_request']}) "
            f"| {float(row['client_cpu_share']):.0%} |"  # type: ignore[arg-type]
        )
    ratio = summary["throughput_ratio"]
    if ratio is not None:
        met = "met" if float(ratio) >= GOAL_THROUGHPUT_RATIO else "missed"  # type: ignore[arg-type]
        lines.append(
            f"\ncatalog read throughput ÷ bare /health throughput: {ratio} "
            f"(goal >= {GOAL_THROUGHPUT_RATIO}, {met})"
        )
    if not summary["cpu_counts_database"]:
        lines.append("\nCPU figures count the service only (no --database-url).")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
