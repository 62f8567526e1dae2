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
    lines = [
        "## Catalog reads at 100k products / 10k stores (20 concurrent clients, closed loop)",
        "",
        "Written by services/catalog-fulfillment/bench/catalog_bench.py (lean HTTP client, "
        "each client sends its next request when the last one answered). CPU ms per request "
        "is summed over the catalog service's processes and its PostgreSQL backends, read from "
        "/proc before and after each scenario; unlike latencies it does not depend on what "
        "else the machine is doing. See docs/performance.md for the profiles.",
        "",
    ]
    if "error" in data:
        return [*lines, f"Not measured: {data['error'][:300]}", ""]
    lines += [
        "| scenario | requests | p50 ms | p95 ms | goal p95 | req/s | ÷ /health "
        "| CPU ms/req (service + PostgreSQL) |",
        "|---|---:|---:|---:|---|---:|---:|---|",
    ]
    for name, row in data.get("results", data).items():
        if not isinstance(row, dict):
            continue
        goal = row.get("goal_p95_ms")
        verdict = (
            "-" if goal is None else f"< {goal} ms {'met' if row['p95_ms'] < goal else 'missed'}"
        )
        ratio = row.get("rps_vs_health")
        cpu = row.get("cpu_ms_per_request")
        cpu_text = (
            "-"
            if cpu is None
            else f"{cpu} ({row.get('service_cpu_ms_per_request')} + "
            f"{row.get('database_cpu_ms_per_request')})"
        )
        lines.append(
            f"| {name} | {row.get('requests', '-')} | {fmt(row.get('p50_ms'))} | "
            f"{fmt(row.get('p95_ms'))} | {verdict} | {fmt(row.get('rps'))} | "
            f"{'-' if ratio is None or name == 'GET /health' else ratio} | {cpu_text} |"
        )
    ratio, goal = data.get("throughput_ratio"), data.get("goal_throughput_ratio")
    if ratio is not None and goal is not None:
        lines += [
            "",
            f"**Catalog read throughput ÷ bare /health throughput of the same service: {ratio}** "
            f"(goal >= {goal}, {'met' if ratio >= goal else 'missed'}); the mix sends list, "
            "search, detail and nearby requests in equal shares.",
        ]
    return [*lines, ""]


PHASES = (
    ("hot", "hot sku"),
    ("spread", "spread (random sku of 1,000)"),
    ("spread_with_logins", "spread, logins alongside"),
)


def checkout(results: dict[str, Any]) -> list[str]:
    data = results.get("checkout", {})
    lines = ["## Checkout", ""]
    if "error" in data:
        return [*lines, f"Not measured: {data['error'][:500]}", ""]
    storm = data.get("storm", {})
    lines += [
        f"**Storm**: {storm.get('buyers')} buyers, one sku with {storm.get('stock')} units, all at once: "
        f"{storm.get('paid')} paid, {storm.get('conflicts')} clean 409s, "
        f"{storm.get('server_errors')} 5xx, {storm.get('seconds')} s, "
        f"p95 per checkout call {storm.get('p95_call_ms')} ms.",
        "",
        "**Sustained** (bench/checkout_load.py): each buyer is a seat from its own loopback "
        "address, taken in turn by customers of at most "
        f"{next((data[k].get('checkouts_per_customer') for k, _ in PHASES if k in data), '-')} "
        "checkouts each (the per-account and per-address limits stay on); each checkout "
        "adds one unit to the cart, creates the payment intent and confirms it with "
        "`pm_card_visa`. CPU is read from /proc for every process of the shop (three "
        "services, localstripe, PostgreSQL backends of the three databases) before the phase "
        "and after its outboxes drained. The load generator's own CPU is measured the same "
        "way; the machine's busy share counts every process on it, neighbours included.",
        "",
        "| phase | buyers | s | paid | paid/s | p50 ms | p95 ms (create / confirm) | p99 ms "
        "| 5xx | CPU ms per paid (services + PostgreSQL) | generator share | machine busy "
        "| load avg before → after |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---|",
    ]
    for key, label in PHASES:
        row = data.get(key)
        if not row:
            continue
        load = row.get("load_average_before_after", [None, None])
        lines.append(
            f"| {label} | {row['buyers']} | {row['seconds']:.0f} | {row['paid']} | "
            f"{row['paid_per_second']} | {row['p50_call_ms']} | {row['p95_call_ms']} "
            f"({row['p95_create_ms']} / {row['p95_confirm_ms']}) | {row['p99_call_ms']} | "
            f"{row['server_errors']} | {row['shop_cpu_ms_per_paid']} "
            f"({row['service_cpu_ms_per_paid']} + {row['database_cpu_ms_per_paid']}) | "
            f"{row['generator_share_of_machine']:.1%} | {row['machine_busy_share']:.0%} | "
            f"{load[0]} → {load[1]} |"
        )
    with_logins = data.get("spread_with_logins", {}).get("logins")
    if with_logins:
        lines += [
            "",
            f"Logins alongside: {with_logins['offered']} offered "
            f"({with_logins['not_sent']} not sent, 64 already in flight), "
            f"{with_logins['ok']} answered 200, statuses {with_logins['statuses']}, "
            f"login p50 {with_logins['p50_ms']} ms, p95 {with_logins['p95_ms']} ms.",
        ]
    by_port = {k: data[k].get("cpu_ms_per_paid_by_port") for k, _ in PHASES if k in data}
    if by_port:
        lines += ["", "CPU ms per paid checkout by listening port (services and localstripe):", ""]
        lines += [f"- {k}: {v}" for k, v in by_port.items()]
    return [*lines, ""]


def _ratio_row(
    measure: str, today: float | None, goal: float, higher_is_better: bool, text: str = ""
) -> str:
    if today is None:
        return f"| {measure} | - | {'≥' if higher_is_better else '<'} {goal:g} | - | not measured |"
    ratio = today / goal if goal else None
    met = today >= goal if higher_is_better else today < goal
    shown = text or f"{today:g}"
    return (
        f"| {measure} | {shown} | {'≥' if higher_is_better else '<'} {goal:g} | "
        f"{'-' if ratio is None else f'{ratio:.2f}'} | {'met' if met else '**missed**'} |"
    )


def goals(results: dict[str, Any]) -> list[str]:
    """The goals of the performance work, today's figure next to each (ratio = today ÷
    goal: above 1 is good for a rate, below 1 for a latency or a cost)."""
    data = results.get("checkout", {})
    hot, spread = data.get("hot", {}), data.get("spread", {})
    with_logins = data.get("spread_with_logins", {})
    catalog = results.get("catalog", {})
    reads = catalog.get("results", {}) if isinstance(catalog, dict) else {}
    tokens = results.get("auth", {}).get("tokens", {})
    worst_p95 = max(
        (r["p95_call_ms"] for r in (hot, spread) if r.get("p95_call_ms") is not None), default=None
    )
    cpu = [r["shop_cpu_ms_per_paid"] for r in (hot, spread) if r.get("shop_cpu_ms_per_paid")]
    generator = [
        r["generator_share_of_machine"] for r in (hot, spread, with_logins) if r.get("buyers")
    ]
    lines = [
        "## Goals",
        "",
        "Ratio = today ÷ goal. Latencies on this shared machine depend on what else runs "
        "(load averages are given with each phase below); CPU per paid order and per read "
        "do much less.",
        "",
        "| measure | today | goal | ratio | verdict |",
        "|---|---|---|---:|---|",
        _ratio_row(
            "sustained paid checkouts/s, hot sku, 50 buyers", hot.get("paid_per_second"), 50, True
        ),
        _ratio_row("same, spread skus", spread.get("paid_per_second"), 60, True),
        _ratio_row(
            "p95 per checkout call (create, confirm), worse of the two shapes, ms",
            worst_p95,
            300,
            False,
        ),
        _ratio_row(
            "CPU-ms per paid checkout, all processes, worse of the two shapes",
            max(cpu) if cpu else None,
            40,
            False,
            " / ".join(f"{c:g}" for c in cpu) + " (hot / spread)" if cpu else "",
        ),
    ]
    for name, goal in (
        ("product list", 50),
        ("product detail", 25),
        ("search", 75),
        ("nearby stores", 40),
    ):
        row = reads.get(name, {})
        lines.append(
            _ratio_row(
                f"catalog p95 at 100k products, 20 clients: {name}, ms",
                row.get("p95_ms"),
                goal,
                False,
            )
        )
    lines.append(
        _ratio_row(
            "catalog read throughput ÷ bare /health throughput",
            catalog.get("throughput_ratio") if isinstance(catalog, dict) else None,
            0.4,
            True,
        )
    )
    lines.append(_ratio_row("token sign CPU, ms", tokens.get("sign_ms"), 1.0, False))
    lines.append(_ratio_row("token verify CPU, ms", tokens.get("verify_ms"), 0.2, False))
    p95_without, p95_with = spread.get("p95_call_ms"), with_logins.get("p95_call_ms")
    factor = p95_with / p95_without if p95_with and p95_without else None
    row = _ratio_row(
        "checkout p95 with logins alongside ÷ p95 without (spread)",
        factor,
        2,
        False,
        f"{factor:.2f} ({p95_with} / {p95_without} ms)" if factor else "",
    )
    errors_with, errors_without = with_logins.get("server_errors"), spread.get("server_errors")
    if factor and errors_with is not None and errors_without is not None:
        if errors_with > errors_without:
            # a p95 of calls that failed at the pool timeout says nothing good
            row = row.rsplit("|", 2)[0] + (
                f"| **missed**: {errors_with} 5xx against {errors_without}, paid/s "
                f"{spread.get('paid_per_second')} → {with_logins.get('paid_per_second')} |"
            )
    lines.append(row)
    lines.append(
        _ratio_row(
            "load generator's share of the machine",
            max(generator) if generator else None,
            0.25,
            False,
            f"{max(generator):.1%}" if generator else "",
        )
    )
    mix = reads.get("mix of the four", {})
    if mix.get("cpu_ms_per_request") is not None:
        lines += [
            "",
            f"CPU ms per catalog read (mix of the four reads, service + PostgreSQL): "
            f"{mix['cpu_ms_per_request']}; per paid checkout: "
            f"{' / '.join(f'{c:g}' for c in cpu) or '-'} (hot / spread).",
        ]
    return [*lines, ""]


def invariants(results: dict[str, Any]) -> list[str]:
    data = results.get("checkout", {})
    if "error" in data:
        return []
    storm, events = data.get("storm", {}), data.get("events", {})
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
    ]
    phases = [(key, label, data[key]) for key, label in PHASES if key in data]
    for _, label, row in phases:
        checks += [
            (
                f"{label}: units paid (orders in the database, warm-up and webhook-settled "
                "included) equal the stock drop",
                row["stock_drop"] == row.get("units_paid_in_database"),
            ),
            (f"{label}: reserved back to 0", row["reserved_after"] == 0),
        ]
    checks += [
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
            "zero 5xx (and no unanswered call) in the checkout phases",
            storm.get("server_errors") == 0
            and all(
                row["server_errors"] == 0 and row.get("no_answer", 0) == 0 for _, _, row in phases
            ),
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
        f"{results.get('duration_seconds')} s. Shopper mix from Locust (headless, separate "
        "process); checkouts from bench/checkout_load.py (asyncio, several processes).",
        "",
    ]
    if results.get("runs"):
        lines += [
            "Measured in parts (same code, same machine): " + "; ".join(results["runs"]) + ".",
            "",
        ]
    lines += goals(results)
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
