"""Replicas behind HAProxy for the `scale` profile (`make scale`, scripts/stack.py).

Each Python service runs as several uvicorn processes, each on a port of its own; HAProxy
listens on the service's usual port and spreads requests over them in round robin, sending
a replica traffic only while its `GET /health/ready` answers 200. Everything that is shared
lives in PostgreSQL (rate limits, outboxes, reservations, the cache invalidation feed), so
any replica may answer any request: there are no sticky sessions.

Ports (per service, from the profile's port P for it): the balancer on P, replica n
(1-based) on P + 100 * n; HAProxy's statistics on the profile's `balancer` port. Each
replica starts through the containers' entry point (docker/service-entrypoint.sh): it
applies the migrations under the database's migration lock, then serves. HAProxy starts
once every replica answers, so its first checks find them all up.

The client address: HAProxy adds the address it saw to X-Forwarded-For, and the replicas
believe that header only from 127.0.0.1 (FORWARDED_ALLOW_IPS), so per-address rate limits
still count each client, not the balancer. A client cannot choose its address: the
services read the header from the right and stop at the first hop that is not a trusted
proxy, which is the one HAProxy wrote.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shopstack.console import StackError, say
from shopstack.environment import Stack
from shopstack.profiles import REPO_ROOT, SERVICES
from shopstack.supervisor import COLOURS, Child, ProcessSet, wait_ready

REPLICA_PORT_STEP = 100
STATS_PATH = "/stats"
READY_PATH = "/health/ready"
BALANCER_PORT_KEY = "balancer"  # the profile's port for HAProxy's statistics page
# The containers' entry point: `alembic upgrade head` (under the migration lock), then exec
ENTRYPOINT = REPO_ROOT / "docker" / "service-entrypoint.sh"


class BalancerError(StackError):
    """Something the user has to fix; the message says what."""


@dataclass(frozen=True)
class Backend:
    """One service behind the balancer: the port clients use and its replicas' ports."""

    name: str
    port: int
    replica_ports: tuple[int, ...]

    def server_names(self) -> list[str]:
        return [f"{self.name}-{n}" for n in range(1, len(self.replica_ports) + 1)]


def replica_ports(port: int, replicas: int) -> tuple[int, ...]:
    return tuple(port + REPLICA_PORT_STEP * n for n in range(1, replicas + 1))


def haproxy_binary() -> str:
    """Debian installs HAProxy in /usr/sbin, which is not on every user's PATH."""
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).is_file()), None
    )
    if found is None:
        raise BalancerError(
            "haproxy is not installed: the scale profile runs the replicas behind it "
            "(Debian/Ubuntu: apt-get install haproxy)"
        )
    return found


def config(backends: Sequence[Backend], *, stats_port: int, host: str = "127.0.0.1") -> str:
    """haproxy.cfg for `backends`, every port on `host`."""
    lines = [
        "global",
        "    maxconn 4096",
        "",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        # checkouts call Stripe and the catalog: as long as the services' own timeouts allow
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 10s",
        # the address HAProxy saw goes to the replicas, appended to X-Forwarded-For
        "    option forwardfor",
        # a request whose connection to a replica failed goes to the other one; a request
        # a replica has received is never sent twice
        "    retries 2",
        "    option redispatch",
        "",
        "frontend stats",
        f"    bind {host}:{stats_port}",
        "    stats enable",
        f"    stats uri {STATS_PATH}",
        "    stats show-legends",
    ]
    for backend in backends:
        lines += [
            "",
            f"frontend {backend.name}",
            f"    bind {host}:{backend.port}",
            f"    default_backend {backend.name}",
            "",
            f"backend {backend.name}",
            "    balance roundrobin",
            "    option httpchk",
            f"    http-check send meth GET uri {READY_PATH} ver HTTP/1.1 hdr Host localhost",
            "    http-check expect status 200",
            # a replica is out after two failed checks two seconds apart, back after one good
            "    default-server check inter 2s fall 2 rise 1",
        ]
        for server, port in zip(backend.server_names(), backend.replica_ports, strict=True):
            lines.append(f"    server {server} {host}:{port}")
    return "\n".join(lines) + "\n"


def write_config(path: Path, backends: Sequence[Backend], *, stats_port: int) -> Path:
    """Write the configuration and have HAProxy check it (`haproxy -c`) before it runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config(backends, stats_port=stats_port))
    checked = subprocess.run(  # noqa: S603 - fixed argv
        [haproxy_binary(), "-c", "-q", "-f", str(path)], capture_output=True, text=True
    )
    if checked.returncode != 0:
        raise BalancerError(f"HAProxy refused {path}:\n{checked.stdout}{checked.stderr}")
    return path


def argv(config_path: Path) -> list[str]:
    """HAProxy in the foreground (-db), so the launcher supervises it like the services."""
    return [haproxy_binary(), "-db", "-f", str(config_path)]


def stats_url(stats_port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{stats_port}{STATS_PATH}"


@dataclass(frozen=True)
class ServerState:
    status: str  # "UP", "DOWN", "no check", ...
    sessions: int  # connections it was given since HAProxy started


def server_states(url: str, timeout: float = 2.0) -> dict[tuple[str, str], ServerState]:
    """(backend, server) -> state, from HAProxy's statistics page (its CSV form)."""
    with urllib.request.urlopen(f"{url};csv", timeout=timeout) as resp:  # noqa: S310 - local
        text = resp.read().decode()
    rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
    return {
        (row["pxname"], row["svname"]): ServerState(row["status"], int(row["stot"] or 0))
        for row in rows
        if row["svname"] not in ("FRONTEND", "BACKEND")
    }


def wait_all_up(url: str, backends: Sequence[Backend], timeout: float) -> None:
    """Wait until HAProxy's checks count every replica of every backend as UP."""
    wanted = {(b.name, s) for b in backends for s in b.server_names()}
    deadline = time.monotonic() + timeout
    down: Mapping[tuple[str, str], str] = {}
    while True:
        try:
            states = server_states(url)
            down = {k: states[k].status if k in states else "missing" for k in wanted}
            down = {k: v for k, v in down.items() if v != "UP"}
        except (urllib.error.URLError, OSError) as exc:
            down = {("stats", url): str(exc)}
        if not down:
            return
        if time.monotonic() > deadline:
            listed = ", ".join(f"{b}/{s}: {status}" for (b, s), status in sorted(down.items()))
            raise BalancerError(f"HAProxy does not count every replica as up: {listed}")
        time.sleep(0.25)


# --------------------------------------------------------------------------- the stack's side


def stack_replica_ports(stack: Stack, port_key: str) -> tuple[int, ...]:
    return replica_ports(stack.ports[port_key], stack.profile.replicas)


def replica_env() -> dict[str, str]:
    """Migrate at start (the entry point), never seed there (the launcher seeds once, after),
    and find `alembic` in this interpreter's environment."""
    venv_bin = str(Path(sys.executable).parent)
    return {
        "MIGRATE_ON_START": "true",
        "SEED_ON_START": "false",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def replica_ports_by_name(stack: Stack) -> dict[str, int]:
    """Every replica's port by process name (for the launcher's "port in use" check)."""
    return {
        f"{spec.name}-{n}": port
        for spec in SERVICES
        for n, port in enumerate(stack_replica_ports(stack, spec.port_key), start=1)
    }


def backends(stack: Stack) -> list[Backend]:
    return [
        Backend(spec.name, stack.ports[spec.port_key], stack_replica_ports(stack, spec.port_key))
        for spec in SERVICES
    ]


def start(stack: Stack, procs: ProcessSet, *, echo: bool, timeout: float) -> Child:
    """HAProxy in front of the replicas (which answer already); returns once it counts every
    replica as up."""
    stats_port = stack.ports[BALANCER_PORT_KEY]
    config_path = write_config(
        stack.run_dir / "haproxy.cfg", backends(stack), stats_port=stats_port
    )
    child = Child(
        "haproxy",
        argv(config_path),
        REPO_ROOT,
        stack.service_env(),
        stats_url(stats_port),
        COLOURS[-1],
        stack.logs_dir / "haproxy.log",
        port=stats_port,
        echo=echo,
    )
    procs.add(child)
    wait_ready([child], timeout)
    wait_all_up(stats_url(stats_port), backends(stack), timeout=30)
    say("HAProxy counts every replica as up")
    return child
