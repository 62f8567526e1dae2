"""The steps around the processes: databases, migrations, seeds, and the hooks that run once
the shop answers. Each step is a short command whose output goes to a log and is shown only
when it fails."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pg

from shopstack.console import StackError, say
from shopstack.environment import Stack
from shopstack.profiles import SERVICES, WEBHOOK_HOOK


def run_step(
    title: str, argv: list[str], *, cwd: Path, env: dict[str, str], log_path: Path
) -> None:
    """Run a short command (migration, seed, hook); show its output only when it fails."""
    say(title)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("wb") as log:
        result = subprocess.run(  # noqa: S603
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        output = log_path.read_text(errors="replace")[-6000:]
        raise StackError(f"{title} failed (exit {result.returncode}):\n{output}")
    say(f"{title}: done in {time.monotonic() - started:.1f}s")


def create_databases(stack: Stack) -> None:
    prefix = stack.profile.db_prefix
    fresh = stack.profile.fresh_databases
    created = pg.create_databases(stack.server, prefix, fresh=fresh)
    names = sorted(db for _, db in pg.targets(stack.server, prefix).values())
    say(
        ("recreated" if fresh else "created" if created else "found")
        + f" databases {', '.join(names)}"
    )


def migrate(stack: Stack) -> None:
    for spec in SERVICES:
        run_step(
            f"migrate {spec.name}",
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=spec.folder,
            env=stack.service_env(spec.name),
            log_path=stack.logs_dir / f"migrate-{spec.name}.log",
        )


def seed(stack: Stack) -> None:
    for spec in SERVICES:
        script = spec.folder / "scripts" / "seed.py"
        if not script.is_file():
            say(f"seed {spec.name}: no scripts/seed.py yet, skipped")
            continue
        extra = stack.catalog_seed_args if spec.name == "catalog-fulfillment" else []
        run_step(
            f"seed {spec.name}" + (f" ({' '.join(extra)})" if extra else ""),
            [sys.executable, "scripts/seed.py", *extra],
            cwd=spec.folder,
            env=stack.service_env(spec.name),
            log_path=stack.logs_dir / f"seed-{spec.name}.log",
        )


def prepare(stack: Stack) -> None:
    """Databases, migrations and (when the profile wants them) seeds; with replicas, the
    databases only (the replicas migrate as they start, the launcher seeds after)."""
    create_databases(stack)
    if stack.profile.replicas > 1:
        say("migrations run as the replicas start, seeds once they are up")
        return
    migrate(stack)
    if stack.profile.seed:
        seed(stack)


def copy_databases(server: pg.Server, source_prefix: str, prefix: str) -> None:
    """The prepared databases of `source_prefix` copied under `prefix` (PostgreSQL's
    CREATE DATABASE ... TEMPLATE: a file copy, much quicker than migrating again). Nobody
    may be connected to the sources while they are copied."""
    import psycopg
    from psycopg import sql

    sources = pg.targets(server, source_prefix)
    for service, (srv, name) in pg.targets(server, prefix).items():
        source = sources[service][1]
        with psycopg.connect(srv.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(source)
                )
            )


def register_webhook(stack: Stack) -> None:
    """localstripe keeps webhook endpoints in memory: tell it where identity-commerce is."""
    if not WEBHOOK_HOOK.is_file():
        say("no register_stripe_webhook.py yet: Stripe webhooks are not registered")
        return
    run_step(
        "register the Stripe webhook with localstripe",
        [sys.executable, str(WEBHOOK_HOOK.relative_to(WEBHOOK_HOOK.parents[1]))],
        cwd=WEBHOOK_HOOK.parents[1],
        # identity-commerce's own settings: the secret it verifies signatures with
        env=stack.service_env("identity-commerce"),
        log_path=stack.logs_dir / "register-stripe-webhook.log",
    )
