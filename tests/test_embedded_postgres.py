"""With no PostgreSQL server answering, the shop runs on the embedded one.

This walks the path a developer without PostgreSQL takes: discovery falls back to the
embedded server (Unix socket in a private data folder), the databases are created, every
service's migrations apply, and a service answers real requests that read and write its
tables. The server is stopped at the end.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from shopkit.testing.live import free_port, start_process, uvicorn_argv

REPO_ROOT = Path(__file__).resolve().parents[1]
PG_SCRIPT = str(REPO_ROOT / "scripts" / "pg.py")
SERVICES = {
    "identity-commerce": ("IDENTITY_DATABASE_URL", "identity_commerce"),
    "catalog-fulfillment": ("CATALOG_DATABASE_URL", "catalog_fulfillment"),
    "notifications": ("NOTIFICATIONS_DATABASE_URL", "notifications"),
}
PREFIX = "emb"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PG") and not k.endswith("_DATABASE_URL")
    }
    env.update(extra)
    return env


def _parse_exports(stdout: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in stdout.splitlines():
        assert line.startswith("export "), line
        key, _, value = line[len("export ") :].partition("=")
        values[key] = shlex.split(value)[0] if value else ""
    return values


def _sqlalchemy_url(pg_env: dict[str, str], database: str) -> str:
    return (
        f"postgresql+psycopg://{pg_env['PGUSER']}@/{database}"
        f"?host={pg_env['PGHOST']}&port={pg_env['PGPORT']}"
    )


def test_embedded_postgres_serves_migrations_and_real_requests(tmp_path: Path) -> None:
    # Not under pytest's own temp root: pytest keeps that 0700, and the embedded server runs
    # as its own user when we are root, so it must be able to reach its data folder.
    data_root = Path(tempfile.mkdtemp(prefix="shop-embedded-pg-"))
    data_dir = data_root / "pg"
    base_env = _clean_env(
        SHOP_PG_PROBE_PORT=str(_closed_port()),  # "no server on 127.0.0.1:5432"
        SHOP_PG_DATA_DIR=str(data_dir),
        SHOP_PG_DOTENV=os.devnull,
    )
    try:
        found = subprocess.run(
            [sys.executable, PG_SCRIPT, "env"],
            env=base_env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert found.returncode == 0, found.stderr
        assert "nothing answers on 127.0.0.1" in found.stderr
        assert "using embedded PostgreSQL" in found.stderr  # says which one is used
        pg_env = _parse_exports(found.stdout)
        assert Path(pg_env["PGHOST"]) == data_dir.resolve()  # a socket in the data folder
        assert (data_dir / f".s.PGSQL.{pg_env['PGPORT']}").is_socket()

        env = {**base_env, **pg_env}
        for _ in range(2):  # initdb twice is fine
            created = subprocess.run(
                [sys.executable, PG_SCRIPT, "initdb", "--prefix", PREFIX],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert created.returncode == 0, created.stderr
        assert "embedded PostgreSQL" in created.stderr  # reuses the running embedded server

        urls = {var: _sqlalchemy_url(pg_env, f"{PREFIX}_{db}") for var, db in SERVICES.values()}
        env.update(urls)
        for service in SERVICES:
            migrated = subprocess.run(
                [sys.executable, "-m", "alembic", "upgrade", "head"],
                cwd=REPO_ROOT / "services" / service,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert migrated.returncode == 0, f"{service}: {migrated.stdout}\n{migrated.stderr}"

        keys_dir = tmp_path / "keys"
        port = free_port()
        identity = start_process(
            "identity-commerce",
            uvicorn_argv("identity_commerce.main:create_app", port),
            port=port,
            env={**env, "KEYS_DIR": str(keys_dir), "ENV": "test", "LOG_JSON": "true"},
            health_path="/health/ready",
            log_dir=tmp_path,
            start=False,
        )
        with identity.start(timeout=60):
            base = identity.url
            assert httpx.get(f"{base}/health/ready", timeout=10).json()["database"] == "ok"
            signup = httpx.post(
                f"{base}/auth/signup",
                json={
                    "email": "embedded@example.com",
                    "password": "Embedded@123",
                    "first_name": "Em",
                    "last_name": "Bedded",
                },
                timeout=30,
            )
            assert signup.status_code == 201, signup.text
            login = httpx.post(
                f"{base}/auth/login",
                json={"email": "embedded@example.com", "password": "Embedded@123"},
                timeout=30,
            )
            assert login.status_code == 200, login.text
            me = httpx.get(
                f"{base}/auth/me",
                headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                timeout=10,
            )
            assert me.status_code == 200
            assert me.json()["email"] == "embedded@example.com"
    finally:
        stopped = subprocess.run(
            [sys.executable, PG_SCRIPT, "stop-embedded"],
            env=base_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert stopped.returncode == 0, stopped.stderr
    assert "embedded PostgreSQL stopped" in stopped.stderr
    assert not (data_dir / "postmaster.pid").exists()
    shutil.rmtree(data_root, ignore_errors=True)
