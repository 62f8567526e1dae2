"""scripts/pg.py: which PostgreSQL server `make dev` and `make test` use, and the databases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import pg  # noqa: E402


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is


@pytest.fixture
def no_embedded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """Record calls to the embedded fallback instead of starting a server."""
    calls: list[dict[str, str]] = []

    def fake(values: dict[str, str]) -> pg.Server:
        calls.append(dict(values))
        return pg.Server("/tmp/fake", 5432, "postgres", "", "embedded", "embedded (fake)")

    monkeypatch.setattr(pg, "embedded_server", fake)
    return calls


def test_pghost_in_the_environment_wins(tmp_path: Path, no_embedded: list) -> None:
    server = pg.discover(
        {"PGHOST": "db.internal", "PGPORT": "6543", "PGUSER": "shop", "PGPASSWORD": "s3cret"},
        dotenv=tmp_path / "missing.env",
    )
    assert (server.kind, server.host, server.port, server.user, server.password) == (
        "configured",
        "db.internal",
        6543,
        "shop",
        "s3cret",
    )
    assert no_embedded == []


def test_database_urls_in_dotenv_are_used_with_their_own_database_names(
    tmp_path: Path, no_embedded: list
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\n"
        "export CATALOG_DATABASE_URL='postgresql+psycopg://app:p%40ss@10.0.0.5:5433/shop_catalog'\n"
        "IDENTITY_DATABASE_URL=postgresql+psycopg://app@/shop_identity?host=/run/pg&port=5999\n"
    )
    server = pg.discover({}, dotenv=dotenv)
    assert server.kind == "configured"
    targets = pg.targets(server)
    catalog_server, catalog_db = targets["catalog-fulfillment"]
    assert (catalog_server.host, catalog_server.port, catalog_server.user) == (
        "10.0.0.5",
        5433,
        "app",
    )
    assert catalog_server.password == "p@ss"
    assert catalog_db == "shop_catalog"
    identity_server, identity_db = targets["identity-commerce"]
    assert (identity_server.host, identity_server.port, identity_db) == (
        "/run/pg",
        5999,
        "shop_identity",
    )
    # a service without a URL gets its default database on the first configured server
    assert targets["notifications"][1] == "ecom_notifications"
    # the environment beats .env, as for the services themselves
    env_server = pg.discover({"PGHOST": "elsewhere"}, dotenv=dotenv)
    assert env_server.host == "elsewhere"
    assert no_embedded == []


def test_nothing_listening_falls_back_to_embedded(tmp_path: Path, no_embedded: list) -> None:
    port = closed_port()
    server = pg.discover({"SHOP_PG_PROBE_PORT": str(port)}, dotenv=tmp_path / "none")
    assert server.kind == "embedded"
    assert len(no_embedded) == 1


def test_a_port_that_is_not_postgres_falls_back_to_embedded(
    tmp_path: Path, no_embedded: list, capsys: pytest.CaptureFixture[str]
) -> None:
    """Something answers on the port but it is not a PostgreSQL that lets us in."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.0 400 nope\r\n\r\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        server = pg.discover({"SHOP_PG_PROBE_PORT": str(port)}, dotenv=tmp_path / "none")
    finally:
        listener.close()
    assert server.kind == "embedded"
    assert "refuses user 'postgres'" in capsys.readouterr().err


def test_the_server_under_test_is_found_by_probing(tmp_path: Path, no_embedded: list) -> None:
    """The server this test run uses (PGHOST from `make test`) is what the probe finds."""
    host = os.environ.get("PGHOST", "127.0.0.1")
    if host.startswith("/"):
        # the run itself is on a socket-only (embedded) server: nothing may answer on TCP 5432
        assert pg.local_server({"SHOP_PG_PROBE_PORT": "5432"}) is None
        return
    port = os.environ.get("PGPORT", "5432")
    values = {
        "SHOP_PG_PROBE_HOST": host,
        "SHOP_PG_PROBE_PORT": port,
        "PGUSER": os.environ.get("PGUSER", "postgres"),
        "PGPASSWORD": os.environ.get("PGPASSWORD", ""),
    }
    server = pg.discover(values, dotenv=tmp_path / "none")
    assert server.kind == "local"
    assert (server.host, server.port) == (host, int(port))
    assert no_embedded == []


def test_a_server_found_earlier_is_still_described_as_found(tmp_path: Path) -> None:
    """`make` exports what `env` printed; later steps say how the server was found."""
    exported = {
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "SHOP_PG_DESCRIPTION": "local server at 127.0.0.1:5432",
    }
    assert pg.discover(exported, dotenv=tmp_path / "none").description == (
        "local server at 127.0.0.1:5432"
    )
    moved = {**exported, "PGHOST": "db.internal"}  # a stale description is not believed
    assert pg.discover(moved, dotenv=tmp_path / "none").description == (
        "configured server at db.internal:5432 (PGHOST)"
    )


def test_bad_inputs_get_clear_errors() -> None:
    with pytest.raises(pg.DiscoveryError, match="not a PostgreSQL URL"):
        pg.server_from_url("mysql://x@y/z", kind="configured", description="x")
    with pytest.raises(pg.DiscoveryError, match="bad database prefix"):
        pg.database_names("Bad-Prefix; DROP")


def test_env_output_is_shell_safe_for_eval() -> None:
    server = pg.Server("/tmp/a dir", 5432, "post gres", "it's $secret", "configured", "x")
    script = (
        "\n".join(pg.export_lines(server)) + '\nprintf "%s|%s|%s" "$PGHOST" "$PGUSER" "$PGPASSWORD"'
    )
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout == "/tmp/a dir|post gres|it's $secret"


@pytest.fixture
def server_under_test() -> pg.Server:
    """The server `make test` runs on (PG* exported by scripts/pg.py)."""
    return pg.Server(
        os.environ.get("PGHOST", "127.0.0.1"),
        int(os.environ.get("PGPORT", "5432")),
        os.environ.get("PGUSER", "postgres"),
        os.environ.get("PGPASSWORD", ""),
        "configured",
        "server under test",
    )


@pytest.fixture
def prefix(server_under_test: pg.Server) -> Iterator[str]:
    name = f"pgtest_{uuid.uuid4().hex[:8]}"
    yield name
    pg.drop_databases(server_under_test, name)


def _databases(server: pg.Server, prefix: str) -> set[str]:
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",)
        ).fetchall()
    return {r[0] for r in rows}


def test_initdb_creates_missing_databases_and_is_safe_to_repeat(
    server_under_test: pg.Server, prefix: str
) -> None:
    expected = {
        f"{prefix}_identity_commerce",
        f"{prefix}_catalog_fulfillment",
        f"{prefix}_notifications",
    }
    assert set(pg.create_databases(server_under_test, prefix)) == expected
    assert _databases(server_under_test, prefix) == expected

    # keep a marker table: a second run must not recreate (empty) the databases
    marker_db = f"{prefix}_notifications"
    with psycopg.connect(server_under_test.conninfo(marker_db), autocommit=True) as conn:
        conn.execute("CREATE TABLE marker (id int)")
    assert pg.create_databases(server_under_test, prefix) == []
    with psycopg.connect(server_under_test.conninfo(marker_db), autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('marker')").fetchone() == ("marker",)

    # --fresh drops and recreates them
    assert set(pg.create_databases(server_under_test, prefix, fresh=True)) == expected
    with psycopg.connect(server_under_test.conninfo(marker_db), autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('marker')").fetchone() == (None,)

    assert set(pg.drop_databases(server_under_test, prefix)) == expected
    assert _databases(server_under_test, prefix) == set()
    assert pg.drop_databases(server_under_test, prefix) == []


def test_cli_initdb_and_dropdb(server_under_test: pg.Server, prefix: str) -> None:
    env = {**os.environ, **server_under_test.env(), "SHOP_PG_DOTENV": os.devnull}
    env.pop("SHOP_PG_DESCRIPTION", None)
    script = str(REPO_ROOT / "scripts" / "pg.py")
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, script, "initdb", "--prefix", prefix],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    assert "using configured server" in result.stderr
    assert "already exist" in result.stderr
    assert len(_databases(server_under_test, prefix)) == 3
    result = subprocess.run(
        [sys.executable, script, "dropdb", "--prefix", prefix],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert _databases(server_under_test, prefix) == set()

    bad = subprocess.run(
        [sys.executable, script, "initdb", "--prefix", "x;drop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "bad database prefix" in bad.stderr
