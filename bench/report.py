"""Turn bench results into docs/benchmarks.md and docs/benchmarks.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SERVICE_OF = {
    "/catalog": "catalog-fulfillment",
    "/inventory": "catalog-fulfillment",
}
GOALS = {
    "GET /catalog/products": 50.0,
    "GET /catalog/products/{id}": 50.0,
    "GET /catalog/search": 100.0,
}


def service_for(endpoint: str) -> str:
    path = endpoint.split(" ", 1)[-1]
    for prefix, service in SERVICE_OF.items():
        if path.startswith(prefix):
            return service
    return "identity-commerce"


def health_ceiling(results: dict[str, Any], service: str) -> dict[str, Any]:
    rows = results.get("health", {}).get(service, {})
    return rows.get(f"GET /health ({service})", {})


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def mix_table(results: dict[str, Any], users: int) -> list[str]:
    rows = results.get(f"mix_{users}", {})
    lines = [
        f"### Shopper mix, {users} users",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | req/s ÷ ceiling | p95 ÷ ceiling p95 | goal p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in sorted(rows.items()):
        if name == "all":
            continue
        ceiling = health_ceiling(results, service_for(name))
        ratio = row["rps"] / ceiling["rps"] if ceiling.get("rps") else None
        slower = row["p95"] / ceiling["p95"] if ceiling.get("p95") else None
        goal = GOALS.get(name)
        verdict = (
            "-"
            if goal is None or users != 20
            else (f"< {goal:.0f} ms {'met' if row['p95'] < goal else 'missed'}")
        )
        lines.append(
            f"| {name} | {fmt(row['rps'])} | {fmt(row['p50'], 0)} | {fmt(row['p95'], 0)} | "
            f"{fmt(row['p99'], 0)} | {row['error_rate']:.2%} | {fmt(ratio, 4)} | {fmt(slower)} | "
            f"{verdict} |"
        )
    total = rows.get("all")
    if total:
        lines.append(
            f"| **all** | {fmt(total['rps'])} | {fmt(total['p50'], 0)} | {fmt(total['p95'], 0)} | "
            f"{fmt(total['p99'], 0)} | {total['error_rate']:.2%} | | | |"
        )
    return [*lines, ""]


def ceilings(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Ceilings",
        "",
        "A bare `GET /health` per service (20 users, no think time) is the framework's ceiling;",
        "pgbench (20 clients, 2 threads, scale 10) against the same PostgreSQL is the database's.",
        "",
        "| ceiling | req/s or tps | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for service in ("identity-commerce", "catalog-fulfillment", "notifications"):
        row = health_ceiling(results, service)
        if row:
            lines.append(
                f"| GET /health ({service}) | {fmt(row['rps'])} | {fmt(row['p50'], 0)} | "
                f"{fmt(row['p95'], 0)} |"
            )
    pg = results.get("pgbench", {})
    for mode in ("select_only", "tpcb_like"):
        if mode in pg:
            lines.append(
                f"| pgbench {mode.replace('_', '-')} | {fmt(pg[mode]['tps'])} tps | "
                f"{fmt(pg[mode]['latency_avg_ms'], 2)} (avg) | - |"
            )
    return [*lines, ""]


def catalog(results: dict[str, Any]) -> list[str]:
    data = results.get("catalog", {})
    lines = ["## Catalog reads at 100k products / 10k stores (20 concurrent clients)", ""]
    if "error" in data:
        return [*lines, f"Not measured: {data['error'][:300]}", ""]
    lines += ["| query | requests | p50 ms | p95 ms | goal p95 |", "|---|---:|---:|---:|---|"]
    for name, row in data.get("results", data).items():
        if not isinstance(row, dict):
            continue
        goal = row.get("goal_p95_ms")
        verdict = (
            "-" if goal is None else f"< {goal} ms {'met' if row['p95_ms'] < goal else 'missed'}"
        )
        lines.append(
            f"| {name} | {row.get('requests', '-')} | {fmt(row.get('p50_ms'))} | "
            f"{fmt(row.get('p95_ms'))} | {verdict} |"
        )
    return [*lines, ""]


def checkout(results: dict[str, Any]) -> list[str]:
    data = results.get("checkout", {})
    lines = ["## Checkout", ""]
    if "error" in data:
        return [*lines, f"Not measured: {data['error'][:500]}", ""]
    storm, sustained = data.get("storm", {}), data.get("sustained", {})
    lines += [
        f"**Storm**: {storm.get('buyers')} buyers, one sku with {storm.get('stock')} units, all at once: "
        f"{storm.get('paid')} paid, {storm.get('conflicts')} clean 409s, "
        f"{storm.get('server_errors')} 5xx, {storm.get('seconds')} s, "
        f"p95 per checkout call {storm.get('p95_call_ms')} ms.",
        "",
        f"**Sustained**: {sustained.get('buyers')} buyers checking out repeatedly for "
        f"{sustained.get('seconds')} s: {sustained.get('paid')} paid "
        f"(**{sustained.get('paid_per_second')} paid checkouts/s**, goal >= 30), "
        f"checkout call p50 {sustained.get('p50_call_ms')} ms, p95 {sustained.get('p95_call_ms')} ms "
        f"(goal < 400), p99 {sustained.get('p99_call_ms')} ms, {sustained.get('server_errors')} 5xx.",
        "",
    ]
    return lines


def invariants(results: dict[str, Any]) -> list[str]:
    data = results.get("checkout", {})
    if "error" in data:
        return []
    storm, sustained, events = (
        data.get("storm", {}),
        data.get("sustained", {}),
        data.get("events", {}),
    )
    after = storm.get("after", {})
    checks = [
        (
            "no unit oversold in the storm",
            storm.get("oversold") == 0 and storm.get("paid", 0) <= storm.get("stock", 0),
        ),
        (
            "storm: units committed equal the stock drop",
            storm.get("stock_drop") == storm.get("paid"),
        ),
        ("storm: reserved back to 0", after.get("reserved") == 0),
        (
            "sustained: units committed equal the stock drop",
            sustained.get("stock_drop") == sustained.get("paid"),
        ),
        ("sustained: reserved back to 0", sustained.get("reserved_after") == 0),
        (
            "every outbox drained (no event pending)",
            not any(events.get("pending_after_drain", {1: 1}).values()),
        ),
        ("no event failed", not any(events.get("failed", {1: 1}).values())),
        (
            "every paid order's ORDER_PAID delivered exactly once",
            events.get("order_paid_events_delivered") == events.get("paid_orders")
            and events.get("events_sent_more_than_once") == 0,
        ),
        (
            "zero 5xx in the checkout phases",
            storm.get("server_errors") == 0 and sustained.get("server_errors") == 0,
        ),
    ]
    lines = ["## Invariants checked at the end", "", "| check | result |", "|---|---|"]
    lines += [f"| {name} | {'ok' if passed else '**FAILED**'} |" for name, passed in checks]
    return [*lines, ""]


def chart(results: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = sorted({n for u in (20, 50) for n in results.get(f"mix_{u}", {}) if n != "all"})
    if not names:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    width = 0.4
    for offset, users in ((-width / 2, 20), (width / 2, 50)):
        rows = results.get(f"mix_{users}", {})
        xs = [i + offset for i in range(len(names))]
        left.bar(xs, [rows.get(n, {}).get("p95", 0) for n in names], width, label=f"{users} users")
        right.bar(xs, [rows.get(n, {}).get("rps", 0) for n in names], width, label=f"{users} users")
    for axis, title in ((left, "p95 latency (ms)"), (right, "throughput (req/s)")):
        axis.set_xticks(range(len(names)))
        axis.set_xticklabels(
            [n.replace("GET ", "").replace("POST ", "") for n in names],
            rotation=35,
            ha="right",
            fontsize=8,
        )
        axis.set_title(title)
        axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def auth_costs(results: dict[str, Any]) -> list[str]:
    """CPU per token and per password check (bench/auth_costs.py)."""
    auth = results.get("auth")
    if not auth:
        return []
    t, p = auth["tokens"], auth["passwords"]
    lines = [
        "## Tokens and password hashing (CPU per operation, in the bench process)",
        "",
        "| operation | CPU ms | goal | parsing the PEM on every call (before) |",
        "|---|---|---|---|",
        f"| sign an access token | {fmt(t['sign_ms'], 3)} | < {t['goal_sign_ms']} "
        f"| {fmt(t['sign_parsing_pem_ms'], 2)} |",
        f"| verify a token | {fmt(t['verify_ms'], 3)} | < {t['goal_verify_ms']} "
        f"| {fmt(t['verify_parsing_pem_ms'], 3)} |",
        f"| service token for an outgoing call (reused) | {fmt(t['service_token_ms'], 4)} | "
        f"| {fmt(t['sign_parsing_pem_ms'], 2)} (one signature per call) |",
        "",
        f"| argon2id | t | memory KiB | p | CPU ms per login | logins/s per core "
        f"| pool logins/s ({p['cores']} threads) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("default", "owasp_floor"):
        c = p[name]
        lines.append(
            f"| {name.replace('_', ' ')} | {c['time_cost']} | {c['memory_kib']} | "
            f"{c['parallelism']} | {fmt(c['cpu_ms_per_login'])} | "
            f"{fmt(c['logins_per_second_per_core'])} | {fmt(c['pool_logins_per_second'])} |"
        )
    return [*lines, ""]


def write_report(results: dict[str, Any], docs: Path) -> None:
    m = results.get("machine", {})
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); numbers from one run on one machine, so compare",
        "ratios within the run rather than absolute figures across machines.",
        "",
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gib')} GiB, "
        f"Linux {m.get('kernel')}, Python {m.get('python')}; run {m.get('date')}, "
        f"{results.get('duration_seconds')} s. Load from Locust (headless, separate process).",
        "",
    ]
    lines += ceilings(results)
    lines += catalog(results)
    lines += ["## Shopper mix (browse 10, view 6, search 4, add to cart 2, checkout 1)", ""]
    lines += mix_table(results, 20)
    lines += mix_table(results, 50)
    if chart(results, docs / "benchmarks.png"):
        lines += ["![latency and throughput per endpoint](benchmarks.png)", ""]
    lines += checkout(results)
    lines += auth_costs(results)
    lines += invariants(results)
    extra = docs / "benchmarks-checkout-sql.md"
    if extra.exists():
        lines += [extra.read_text().strip(), ""]
    (docs / "benchmarks.md").write_text("\n".join(lines))
