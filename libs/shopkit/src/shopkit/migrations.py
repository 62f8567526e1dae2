"""Alembic migrations that never race, shared by every service's `migrations/env.py`.

Concurrency rules, stated up front:

- Online, the whole command (upgrade, downgrade, `current`) runs while its connection holds
  a session-level PostgreSQL advisory lock on `MIGRATION_LOCK_KEY`. Two processes migrating
  one database at once (replicas starting together under compose, a Kubernetes Job retried
  while its first pod still runs, an operator's manual `alembic upgrade`) therefore run one
  after the other: the second waits, then finds the database at head and does nothing.
- Advisory lock keys live per database, so one constant key serialises each service's
  migrations without making two services wait for each other on a shared server.
- The lock is session-level, not transaction-level, so it covers every transaction Alembic
  opens (one per migration when `transaction_per_migration` is set) and is released by
  `pg_advisory_unlock`, or by PostgreSQL itself when the connection dies.

`wait_until_migrated` is for processes that must not start on an old schema (the web
containers' init container in Kubernetes): it polls `alembic current --check-heads`, which
takes the same lock and so also waits out a migration in progress.

    python -m shopkit.migrations wait --timeout 900   # in the service folder (alembic.ini)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import io
import logging
import sys
import time
from collections.abc import Iterator
from logging.config import fileConfig
from typing import Any

from alembic import command, context
from alembic.config import Config
from pydantic import create_model
from pydantic_settings import BaseSettings
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from shopkit.settings import ServiceSettings, postgres_url

log = logging.getLogger("shopkit.migrations")

# "shopkmig" as a big-endian signed 64-bit integer: a constant no other code of ours uses.
MIGRATION_LOCK_KEY = int.from_bytes(b"shopkmig", "big", signed=True)

# Config.attributes keys: a caller passing the URL (the test fixtures) keeps its own logging;
# `quiet` does the same for the wait loop, which would otherwise log every poll.
DATABASE_URL_ATTRIBUTE = "database_url"
QUIET_ATTRIBUTE = "quiet"

# The settings a migration needs; everything else (keys, API secrets) stays with the server.
DATABASE_FIELDS = ("pghost", "pgport", "pguser", "pgpassword", "database_url", "default_database")


@contextlib.contextmanager
def migration_lock(connection: Connection, key: int = MIGRATION_LOCK_KEY) -> Iterator[None]:
    """Hold the database's migration lock on `connection` for the duration of the block."""
    acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    if not acquired:
        log.info("another process is migrating this database; waiting for it to finish")
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
    # End the implicit transaction the lock query opened: Alembic must start its own (it
    # would treat an open one as the caller's and never commit). The session lock stays.
    connection.commit()
    try:
        yield
    finally:
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
        except DBAPIError:
            # The connection is gone, and PostgreSQL released the lock with it.
            log.warning("could not release the migration lock; the connection closed")


def database_url(settings_cls: type[ServiceSettings]) -> str:
    """The service's database URL from the environment (and `.env`), exactly as the service
    reads it, but without the service's other settings and their production checks: a
    migrations Job holds the database credentials and no signing key or API secret."""
    fields: dict[str, Any] = {
        name: (info.annotation, copy.copy(info))
        for name, info in settings_cls.model_fields.items()
        if name in DATABASE_FIELDS
    }
    config = {"model_config": settings_cls.model_config}  # same env file, aliases, extras
    base: type[BaseSettings] = type("DatabaseSettingsBase", (BaseSettings,), config)
    model: type[BaseSettings] = create_model(
        f"{settings_cls.__name__}Database", __base__=base, **fields
    )
    database = model()
    values = database.model_dump()
    if values["database_url"]:
        return str(values["database_url"])
    return postgres_url(
        values["default_database"],
        host=values["pghost"],
        port=values["pgport"],
        user=values["pguser"],
        password=values["pgpassword"],
    )


def run_migrations(*, target_metadata: MetaData, settings: type[ServiceSettings]) -> None:
    """The body of a service's `migrations/env.py`.

    The database URL comes from `Config.attributes["database_url"]` when the caller passed
    one (the test fixtures), otherwise from the environment through `settings`' database
    fields (`database_url(settings)`).
    """
    config = context.config
    given_url = config.attributes.get(DATABASE_URL_ATTRIBUTE)
    quiet = config.attributes.get(QUIET_ATTRIBUTE, False)
    if config.config_file_name is not None and not given_url and not quiet:
        if config.file_config.has_section("formatters"):
            fileConfig(config.config_file_name, disable_existing_loggers=False)
        else:  # an alembic.ini that only says where the migrations are
            logging.basicConfig(
                level=logging.WARNING, format="%(levelname)-5.5s [%(name)s] %(message)s"
            )
            for name in ("alembic", "shopkit.migrations"):
                logging.getLogger(name).setLevel(logging.INFO)
    url = given_url or database_url(settings)

    if context.is_offline_mode():
        # `alembic upgrade --sql`: writes SQL for a DBA to run; there is nothing to lock.
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target_metadata))


async def _run_online(url: str, target_metadata: MetaData) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate_under_lock, target_metadata)
    finally:
        await engine.dispose()


def _migrate_under_lock(connection: Connection, target_metadata: MetaData) -> None:
    with migration_lock(connection):
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


def wait_until_migrated(
    alembic_ini: str = "alembic.ini", *, timeout: float = 900.0, interval: float = 2.0
) -> bool:
    """Poll until the database is at every head revision; False when `timeout` passes first.

    A database that is unreachable or behind counts as "not yet": the migrations Job may
    still be starting, or the server may still be coming up.
    """
    deadline = time.monotonic() + timeout
    last_reason = ""
    while True:
        config = Config(alembic_ini, stdout=io.StringIO())
        config.attributes[QUIET_ATTRIBUTE] = True
        try:
            command.current(config, check_heads=True)
            log.info("database schema is at head")
            return True
        except Exception as exc:  # behind, unreachable, or a revision this image lacks
            reason = f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            if reason != last_reason:
                log.info("waiting for migrations: %s", reason)
                last_reason = reason
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopkit.migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    wait = commands.add_parser("wait", help="exit 0 once the database is at head")
    wait.add_argument("--config", default="alembic.ini", help="path to alembic.ini")
    wait.add_argument("--timeout", type=float, default=900.0, help="seconds (default 900)")
    wait.add_argument("--interval", type=float, default=2.0, help="seconds between checks")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    if wait_until_migrated(args.config, timeout=args.timeout, interval=args.interval):
        return 0
    print(
        f"database schema is not at head after {args.timeout:g}s: "
        "did the migrations Job run and succeed?",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
