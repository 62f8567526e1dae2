"""Create, migrate, clone and drop throwaway PostgreSQL databases for a test run."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy.engine import make_url

_SAFE_NAME = re.compile(r"^[a-z0-9_]{1,63}$")


def _libpq_conninfo(sqlalchemy_url: str, database: str) -> str:
    url = make_url(sqlalchemy_url)
    parts = {
        "dbname": database,
        "user": url.username or "postgres",
        "password": url.password or "",
        "host": url.query.get("host") or url.host or "127.0.0.1",
        "port": str(url.query.get("port") or url.port or 5432),
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def with_database(sqlalchemy_url: str, database: str) -> str:
    return make_url(sqlalchemy_url).set(database=database).render_as_string(hide_password=False)


def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """(Re)create database `name` on the server of `server_url`; return its SQLAlchemy URL."""
    assert _SAFE_NAME.match(name), name
    with psycopg.connect(_libpq_conninfo(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(_libpq_conninfo(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run_alembic(alembic_ini: Path, database_url: str, action: str, revision: str) -> None:
    """`alembic upgrade|downgrade <revision>` in a thread: env.py runs its own event loop."""
    cfg = Config(str(alembic_ini))
    cfg.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    cfg.attributes["database_url"] = database_url
    errors: list[BaseException] = []

    def run() -> None:
        try:
            getattr(command, action)(cfg, revision)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def migrate(alembic_ini: Path, database_url: str) -> None:
    """`alembic upgrade head`."""
    run_alembic(alembic_ini, database_url, "upgrade", "head")


class TestDatabases:
    """Names one migrated database per service, test run and xdist worker."""

    __test__ = False  # not a test class

    def __init__(self, server_url: str, service: str, alembic_ini: Path) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.server_url = server_url
        self.alembic_ini = alembic_ini
        self.base_name = f"test_{service}_{worker}_{os.getpid()}"[:50]
        self.created: list[str] = []
        self.url = ""

    def create_migrated(self) -> str:
        self.url = create_database(self.server_url, self.base_name)
        self.created.append(self.base_name)
        migrate(self.alembic_ini, self.url)
        # PostgreSQL copies a template only while nobody is connected to it; the test
        # database itself is busy for the whole run, so an untouched copy serves as template.
        create_database(self.server_url, self.template_name, template=self.base_name)
        self.created.append(self.template_name)
        return self.url

    @property
    def template_name(self) -> str:
        return f"{self.base_name}_tpl"

    def clone(self, suffix: str) -> str:
        """A fresh copy of the migrated database, for tests whose servers commit for real."""
        name = f"{self.base_name}_{suffix}"[:63]
        url = create_database(self.server_url, name, template=self.template_name)
        self.created.append(name)
        return url

    def drop_all(self) -> None:
        for name in reversed(self.created):
            drop_database(self.server_url, name)
        self.created.clear()
