"""Run the whole shop as local processes: three services, localstripe and the frontend.

    python scripts/stack.py up  --profile dev            # foreground; Ctrl-C stops everything
    python scripts/stack.py run --profile e2e -- CMD...  # bring up, run CMD, tear down
    python scripts/stack.py prepare --profile e2e        # databases, migrations, seeds only
    python scripts/stack.py up  --profile scale --no-seed  # two replicas each, no demo data

Profiles (ports identity/catalog/notifications/localstripe/frontend, databases):

    dev    8001/8002/8010/8420/5173        ecom_*   created if missing, migrated, seeded
    e2e    18001/18002/18010/18420/15173   e2e_*    recreated, migrated, seeded every run
    bench  28001/28002/28010/28420/25173   bench_*  recreated, migrated, large catalog seed
           (100k products, 10k stores; --products/--stores or BENCH_PRODUCTS/BENCH_STORES)
    scale  24001/24002/24010/24420/23173   scale_*  recreated empty; two replicas of each
           service migrate as they start, behind HAProxy (scripts/balancer.py), then seeded

`SHOP_STACK_PORT_OFFSET=N` shifts every port and `SHOP_STACK_DB_PREFIX=name` renames the
databases (two stacks of one profile on one machine).
PostgreSQL comes from scripts/pg.py (PGHOST/... when set, else 127.0.0.1:5432, else embedded).
Each child runs in its own process group and is stopped (TERM, then KILL) on exit; logs are
prefixed on the console and kept in .run/<profile>/logs/.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import balancer  # noqa: E402  (scripts/balancer.py)
import pg  # noqa: E402  (scripts/pg.py)

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICES_DIR = REPO_ROOT / "services"
FRONTEND_DIR = REPO_ROOT / "frontend"
RUN_DIR = REPO_ROOT / ".run"
DATA_DIR = REPO_ROOT / ".data"

DEMO_LOGINS = [
    ("admin", "admin@example.com", "Admin@123"),
    ("customer", "alice@example.com", "Alice@123"),
    ("customer", "bob@example.com", "Bob@123"),
]

# Dev values for the third-party keys (see docs/contracts.md); `.env`/environment win.
STRIPE_DEFAULTS = {
    "STRIPE_SECRET_KEY": "sk_test_dev_shop",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_dev_shop",
    "STRIPE_WEBHOOK_SECRET": "whsec_dev_shop",
}


@dataclass(frozen=True)
class Profile:
    name: str
    ports: dict[str, int]
    db_prefix: str
    fresh_databases: bool
    frontend_mode: str  # "dev" (vite dev server) | "preview" (build, then vite preview)
    catalog_seed_args: tuple[str, ...] = ()
    # More than one: each service runs this many processes behind HAProxy, each applying
    # the migrations as it starts (as the containers do), and the seeds run afterwards.
    replicas: int = 1


PROFILES: dict[str, Profile] = {
    "dev": Profile(
        "dev",
        {
            "identity": 8001,
            "catalog": 8002,
            "notifications": 8010,
            "stripe": 8420,
            "frontend": 5173,
        },
        db_prefix="ecom",
        fresh_databases=False,
        frontend_mode="dev",
    ),
    "e2e": Profile(
        "e2e",
        {
            "identity": 18001,
            "catalog": 18002,
            "notifications": 18010,
            "stripe": 18420,
            "frontend": 15173,
        },
        db_prefix="e2e",
        fresh_databases=True,
        frontend_mode="preview",
    ),
    "bench": Profile(
        "bench",
        {
            "identity": 28001,
            "catalog": 28002,
            "notifications": 28010,
            "stripe": 28420,
            "frontend": 25173,
        },
        db_prefix="bench",
        fresh_databases=True,
        frontend_mode="preview",
    ),
    "scale": Profile(
        "scale",
        {
            "identity": 24001,
            "catalog": 24002,
            "notifications": 24010,
            "stripe": 24420,
            "frontend": 23173,
            "balancer": 24900,  # HAProxy's statistics page
        },
        db_prefix="scale",
        fresh_databases=True,
        frontend_mode="preview",
        replicas=2,
    ),
}

# name, service folder, package (uvicorn <package>.main:create_app), port key
SERVICE_SPECS = [
    ("catalog-fulfillment", "catalog_fulfillment", "catalog"),
    ("identity-commerce", "identity_commerce", "identity"),
    ("notifications", "notifications", "notifications"),
]
SEED_ORDER = ["catalog-fulfillment", "identity-commerce", "notifications"]
WEBHOOK_HOOK = SERVICES_DIR / "identity-commerce" / "scripts" / "register_stripe_webhook.py"

COLOURS = ["36", "35", "33", "32", "34", "91", "96"]


class StackError(Exception):
    """Something the user has to fix; the message says what."""


# --------------------------------------------------------------------------- output


def _use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


COLOUR = _use_colour()
_print_lock = threading.Lock()


def paint(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if COLOUR else text


def say(message: str) -> None:
    with _print_lock:
        print(paint("==> ", "1;34") + message, flush=True)


def warn(message: str) -> None:
    with _print_lock:
        print(paint("!!  ", "1;33") + message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- configuration


def setting(name: str, default: str) -> str:
    """A value as the services see it: the environment, then the repository's .env."""
    return os.environ.get(name) or pg.read_dotenv(REPO_ROOT / ".env").get(name) or default


@dataclass
class Stack:
    profile: Profile
    server: pg.Server
    ports: dict[str, int]
    frontend_mode: str
    show_logs: bool
    catalog_seed_args: list[str]
    seed_data: bool = True
    frontend_started: bool = False
    run_dir: Path = field(init=False)
    data_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        name = self.profile.name
        if self.profile.db_prefix != PROFILES[name].db_prefix:
            name = f"{name}-{self.profile.db_prefix}"  # a second stack of the same profile
        self.run_dir = RUN_DIR / name
        self.data_dir = DATA_DIR / name

    def url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.ports[key]}"

    @property
    def frontend_origins(self) -> list[str]:
        port = self.ports["frontend"]
        return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]

    @property
    def keys_dir(self) -> Path:
        # dev uses the services' key folder (KEYS_DIR, default .keys); others keep their own
        if self.profile.name == "dev":
            return (REPO_ROOT / setting("KEYS_DIR", ".keys")).resolve()
        return self.data_dir / "keys"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "outbox-mail"

    def database_urls(self) -> dict[str, str]:
        return pg.database_urls(self.server, self.profile.db_prefix)

    def public_env(self) -> dict[str, str]:
        """What a command run against the stack needs: URLs (plain and VITE_) and locations."""
        stripe_keys = {k: setting(k, v) for k, v in STRIPE_DEFAULTS.items()}
        urls = {
            "IDENTITY_URL": self.url("identity"),
            "CATALOG_URL": self.url("catalog"),
            "NOTIFICATIONS_URL": self.url("notifications"),
            "STRIPE_URL": self.url("stripe"),
            "FRONTEND_URL": f"http://127.0.0.1:{self.ports['frontend']}",
        }
        env = {
            **urls,
            **{f"VITE_{k}": v for k, v in urls.items()},
            "VITE_STRIPE_PUBLISHABLE_KEY": stripe_keys["STRIPE_PUBLISHABLE_KEY"],
            # localstripe serves its Stripe.js stand-in under this path
            "VITE_STRIPE_JS_URL": f"{urls['STRIPE_URL']}/js.stripe.com/v3/",
            "STACK_PROFILE": self.profile.name,
            "KEYS_DIR": str(self.keys_dir),
            # the notification file provider writes one .eml/.json per message here
            "NOTIFY_FILE_DIR": str(self.mail_dir),
            **self.database_urls(),
            **self.server.env(),
        }
        return env

    def service_env(self) -> dict[str, str]:
        """Environment for the services, migrations, seeds and hooks."""
        stripe_keys = {k: setting(k, v) for k, v in STRIPE_DEFAULTS.items()}
        return {
            **os.environ,
            **self.public_env(),
            **stripe_keys,
            "STRIPE_API_BASE": self.url("stripe"),
            "CORS_ORIGINS": json.dumps(self.frontend_origins),
            # links in notifications and image URLs must point at this stack
            "NOTIFY_SHOP_URL": f"http://localhost:{self.ports['frontend']}",
            "CATALOG_PUBLIC_URL": self.url("catalog"),
            "PYTHONUNBUFFERED": "1",
        }


def load_stack(args: argparse.Namespace) -> Stack:
    profile = PROFILES[args.profile]
    offset = int(os.environ.get("SHOP_STACK_PORT_OFFSET") or 0)
    ports = {k: v + offset for k, v in profile.ports.items()}
    prefix = os.environ.get("SHOP_STACK_DB_PREFIX")
    if prefix:
        profile = dataclasses.replace(profile, db_prefix=prefix)
    say(f"profile {profile.name}: finding PostgreSQL")
    server = pg.discover()
    say(f"PostgreSQL: {server.description}")
    if server.kind == "embedded":
        say("running on the embedded PostgreSQL (no usable server on 127.0.0.1:5432)")
    seed_args = list(profile.catalog_seed_args)
    if profile.name == "bench":
        seed_args = ["--products", str(args.products), "--stores", str(args.stores)]
    frontend_mode = args.frontend or profile.frontend_mode
    return Stack(
        profile=profile,
        server=server,
        ports=ports,
        frontend_mode=frontend_mode,
        show_logs=bool(getattr(args, "logs", False)),
        catalog_seed_args=seed_args,
        seed_data=not getattr(args, "no_seed", False),
    )


# --------------------------------------------------------------------------- processes


@dataclass
class Child:
    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    ready_url: str | None
    colour: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = None

    def start(self, echo: bool) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - argv built from fixed parts
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: we stop the whole group
        )
        self.reader = threading.Thread(
            target=self._pump, args=(self.process.stdout, log, echo), daemon=True
        )
        self.reader.start()

    def _pump(self, stream: IO[bytes] | None, log: IO[bytes], echo: bool) -> None:
        assert stream is not None
        prefix = paint(f"{self.name:<20}|", self.colour) + " "
        with log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()
                if echo:
                    line = raw.decode("utf-8", errors="replace").rstrip()
                    with _print_lock:
                        print(prefix + line, flush=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        # the group may hold grandchildren (npm -> vite) that outlive their parent
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if self.reader is not None:
            self.reader.join(timeout=2)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class ProcessSet:
    """Children of one stack; remembers their groups on disk so a crashed run is cleaned."""

    def __init__(self, run_dir: Path) -> None:
        self.children: list[Child] = []
        self.pid_file = run_dir / "pids.json"

    def add(self, child: Child, echo: bool) -> Child:
        child.start(echo)
        self.children.append(child)
        self._save()
        return child

    def _save(self) -> None:
        records = [
            {"pid": c.process.pid, "argv0": c.argv[0], "name": c.name}
            for c in self.children
            if c.process is not None
        ]
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.write_text(json.dumps({"owner": os.getpid(), "children": records}))

    def reap_leftovers(self) -> None:
        """Stop process groups left behind by an earlier run whose owner died."""
        try:
            data = json.loads(self.pid_file.read_text())
        except (OSError, ValueError):
            return
        if _pid_alive(int(data.get("owner", 0))):
            return
        for record in data.get("children", []):
            pid = int(record["pid"])
            cmdline = _cmdline(pid)
            if cmdline and record["argv0"] in cmdline:
                warn(f"stopping {record['name']} (pid {pid}) left over from an earlier run")
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGTERM)
                time.sleep(1)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        self.pid_file.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - local URL
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def wait_ready(children: Sequence[Child], timeout: float) -> None:
    """Wait until every child's ready URL answers 200; fail fast when one exits."""
    pending = {c.name: c for c in children if c.ready_url}
    deadline = time.monotonic() + timeout
    while pending:
        for name, child in list(pending.items()):
            if not child.alive():
                code = child.process.returncode if child.process else "?"
                raise StackError(
                    f"{name} exited with code {code} before it was ready; last log lines:\n"
                    + child.tail()
                )
            assert child.ready_url is not None
            status = http_status(child.ready_url)
            if status == 200:
                say(f"{name} is ready ({child.ready_url})")
                del pending[name]
        if not pending:
            return
        if time.monotonic() > deadline:
            details = "\n".join(
                f"--- {c.name} ({c.ready_url}) last log lines:\n{c.tail()}"
                for c in pending.values()
            )
            raise StackError(f"not ready after {timeout:.0f}s: {', '.join(pending)}\n{details}")
        time.sleep(0.5)


# --------------------------------------------------------------------------- steps


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


def prepare(stack: Stack) -> None:
    """Databases, migrations and seeds for the profile."""
    prefix = stack.profile.db_prefix
    fresh = stack.profile.fresh_databases
    created = pg.create_databases(stack.server, prefix, fresh=fresh)
    names = sorted(db for _, db in pg.targets(stack.server, prefix).values())
    say(
        ("recreated" if fresh else "created" if created else "found")
        + f" databases {', '.join(names)}"
    )
    if stack.profile.replicas > 1:
        say("migrations run as the replicas start, seeds once they are up")
        return
    migrate(stack)
    seed(stack)


def migrate(stack: Stack) -> None:
    env = stack.service_env()
    logs = stack.run_dir / "logs"
    for service, _, _ in SERVICE_SPECS:
        run_step(
            f"migrate {service}",
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=SERVICES_DIR / service,
            env=env,
            log_path=logs / f"migrate-{service}.log",
        )


def seed(stack: Stack) -> None:
    if not stack.seed_data:
        say("seeds skipped (--no-seed)")
        return
    env = stack.service_env()
    logs = stack.run_dir / "logs"
    for service in SEED_ORDER:
        script = SERVICES_DIR / service / "scripts" / "seed.py"
        if not script.is_file():
            say(f"seed {service}: no scripts/seed.py yet, skipped")
            continue
        extra = stack.catalog_seed_args if service == "catalog-fulfillment" else []
        run_step(
            f"seed {service}" + (f" ({' '.join(extra)})" if extra else ""),
            [sys.executable, "scripts/seed.py", *extra],
            cwd=SERVICES_DIR / service,
            env=env,
            log_path=logs / f"seed-{service}.log",
        )


def frontend_commands(stack: Stack) -> tuple[list[str] | None, list[str]] | None:
    """(build argv or None, serve argv) for the frontend, or None when there is none yet."""
    package = FRONTEND_DIR / "package.json"
    if not package.is_file():
        return None
    npm = shutil.which("npm")
    if npm is None:
        raise StackError("npm is not installed: install Node.js 20+ (https://nodejs.org)")
    if not (FRONTEND_DIR / "node_modules").is_dir():
        raise StackError("frontend dependencies are missing: run `make install`")
    scripts = json.loads(package.read_text()).get("scripts", {})
    port = str(stack.ports["frontend"])
    serve_flags = ["--port", port, "--strictPort", "--host", "127.0.0.1"]
    if stack.frontend_mode == "preview":
        # A build of its own per stack: the URLs are baked in, and another stack (or the
        # developer's frontend/dist) must not be overwritten under a running preview.
        out_dir = str(stack.run_dir / "frontend-dist")
        build = [npm, "run", "build", "--", "--outDir", out_dir, "--emptyOutDir"]
        if "preview" in scripts:
            return build, [npm, "run", "preview", "--", "--outDir", out_dir, *serve_flags]
        return build, ["npx", "--no-install", "vite", "preview", "--outDir", out_dir, *serve_flags]
    if "dev" in scripts:
        return None, [npm, "run", "dev", "--", *serve_flags]
    return None, ["npx", "--no-install", "vite", *serve_flags]


def start(stack: Stack, procs: ProcessSet, *, echo: bool, timeout: float) -> None:
    """Start every process, wait until all answer, then run the post-start hooks."""
    ports = dict(stack.ports)
    if stack.profile.replicas > 1:
        for _, _, key in SERVICE_SPECS:
            ports |= {f"{key}-{n}": p for n, p in enumerate(replica_ports(stack, key), start=1)}
    busy = [f"{k} :{p}" for k, p in ports.items() if port_in_use(p)]
    if busy:
        raise StackError(
            "ports already in use: "
            + ", ".join(busy)
            + f". Is another `{stack.profile.name}` stack running? Stop it, or set "
            "SHOP_STACK_PORT_OFFSET to shift the ports."
        )
    stack.keys_dir.mkdir(parents=True, exist_ok=True)
    stack.mail_dir.mkdir(parents=True, exist_ok=True)
    env = stack.service_env()
    logs = stack.run_dir / "logs"
    colours = itertools.cycle(COLOURS)  # more children than colours with replicas
    children: list[Child] = []

    def child(name: str, argv: list[str], cwd: Path, ready: str | None, e: dict[str, str]) -> None:
        children.append(
            procs.add(Child(name, argv, cwd, e, ready, next(colours), logs / f"{name}.log"), echo)
        )

    # Keys first, in this process: three services starting at once must not race to create
    # the same key folder, and every service must see every other's public key.
    from shopkit.tokens import ensure_dev_key

    for service, _, _ in SERVICE_SPECS:
        ensure_dev_key(stack.keys_dir, service)

    child(
        "localstripe",
        # in-memory localstripe (stock localstripe pickles its store to /tmp after each write)
        [sys.executable, "-m", "shopkit.testing.localstripe", "--port", str(stack.ports["stripe"])],
        REPO_ROOT,
        f"{stack.url('stripe')}/js.stripe.com/v3/",
        env,
    )
    for service, package, key in SERVICE_SPECS:

        def uvicorn(port: int, package: str = package, service: str = service) -> list[str]:
            argv = [
                sys.executable,
                "-m",
                "uvicorn",
                f"{package}.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                # the app reads X-Forwarded-For itself, from FORWARDED_ALLOW_IPS proxies only
                "--no-proxy-headers",
            ]
            workers = os.environ.get("SHOP_STACK_WORKERS")
            if workers and stack.profile.name != "dev":
                argv += ["--workers", workers]  # e.g. the bench profile, to use every core
            if stack.profile.name == "dev":
                # restart on code changes (the service's own code and shopkit)
                argv += ["--reload", "--reload-dir", str(SERVICES_DIR / service / "src")]
                argv += ["--reload-dir", str(REPO_ROOT / "libs" / "shopkit" / "src")]
            return argv

        if stack.profile.replicas == 1:
            argv = uvicorn(stack.ports[key])
            child(service, argv, SERVICES_DIR / service, f"{stack.url(key)}/health/ready", env)
            continue
        # all replicas at once: their migrations meet on the database's migration lock
        for n, port in enumerate(replica_ports(stack, key), start=1):
            argv = [str(ENTRYPOINT), *uvicorn(port)]
            ready = f"http://127.0.0.1:{port}/health/ready"
            child(f"{service}-{n}", argv, SERVICES_DIR / service, ready, {**env, **replica_env()})

    frontend = None if stack.frontend_mode == "none" else frontend_commands(stack)
    if stack.frontend_mode == "none":
        say("frontend not started (--frontend none)")
    elif frontend is None:
        warn("frontend/package.json does not exist yet: the frontend is not started")
    else:
        build, serve = frontend
        fe_env = {**env, **stack.public_env()}
        if build is not None:
            run_step(
                "build the frontend",
                build,
                cwd=FRONTEND_DIR,
                env=fe_env,
                log_path=logs / "frontend-build.log",
            )
        child(
            "frontend", serve, FRONTEND_DIR, f"http://127.0.0.1:{stack.ports['frontend']}/", fe_env
        )
        stack.frontend_started = True

    wait_ready(children, timeout)
    if stack.profile.replicas > 1:
        # HAProxy once the replicas answer, so that its first checks find them all up
        backends = balancer_backends(stack)
        config = balancer.write_config(
            stack.run_dir / "haproxy.cfg", backends, stats_port=stack.ports["balancer"]
        )
        stats = balancer.stats_url(stack.ports["balancer"])
        child("haproxy", balancer.argv(config), REPO_ROOT, stats, env)
        wait_ready(children[-1:], timeout)
        balancer.wait_all_up(stats, backends, timeout=30)
        say("HAProxy counts every replica as up")
        seed(stack)
    run_hooks(stack, env)


# --------------------------------------------------------------------------- replicas

# The containers' entry point: `alembic upgrade head` (under the migration lock), then exec
ENTRYPOINT = REPO_ROOT / "docker" / "service-entrypoint.sh"


def replica_ports(stack: Stack, key: str) -> tuple[int, ...]:
    return balancer.replica_ports(stack.ports[key], stack.profile.replicas)


def balancer_backends(stack: Stack) -> list[balancer.Backend]:
    return [
        balancer.Backend(service, stack.ports[key], replica_ports(stack, key))
        for service, _, key in SERVICE_SPECS
    ]


def replica_env() -> dict[str, str]:
    """Migrate at start, never seed (that runs once, after), trust the balancer's header."""
    venv_bin = str(Path(sys.executable).parent)  # `alembic` for the entry point
    path = f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    return {
        **balancer.REPLICA_ENV,
        "MIGRATE_ON_START": "true",
        "SEED_ON_START": "false",
        "PATH": path,
    }


def run_hooks(stack: Stack, env: dict[str, str]) -> None:
    if not WEBHOOK_HOOK.is_file():
        say("no register_stripe_webhook.py yet: Stripe webhooks are not registered")
        return
    run_step(
        "register the Stripe webhook with localstripe",
        [sys.executable, str(WEBHOOK_HOOK.relative_to(WEBHOOK_HOOK.parents[1]))],
        cwd=WEBHOOK_HOOK.parents[1],
        env=env,
        log_path=stack.run_dir / "logs" / "register-stripe-webhook.log",
    )


def banner(stack: Stack) -> str:
    frontend = (
        f"http://localhost:{stack.ports['frontend']}" if stack.frontend_started else "not started"
    )
    lines = [
        "",
        paint("The shop is running.", "1;32")
        + f"  (profile {stack.profile.name}, Ctrl-C stops it)",
        "",
        f"  Shop (frontend)        {frontend}",
        f"  identity-commerce      {stack.url('identity')}/docs",
        f"  catalog-fulfillment    {stack.url('catalog')}/docs",
        f"  notifications          {stack.url('notifications')}/docs",
        f"  localstripe            {stack.url('stripe')}",
        *(
            [f"  HAProxy statistics     {balancer.stats_url(stack.ports['balancer'])}"]
            if stack.profile.replicas > 1
            else []
        ),
        f"  PostgreSQL             {stack.server.description}",
        f"  Sent notifications     {stack.mail_dir}",
        f"  Logs                   {stack.run_dir / 'logs'}",
        "",
        "  Demo logins:",
        *[f"    {role:<9} {email:<20} {password}" for role, email, password in DEMO_LOGINS],
        "",
    ]
    return "\n".join(lines)


@contextlib.contextmanager
def profile_lock(stack: Stack) -> Iterator[None]:
    stack.run_dir.mkdir(parents=True, exist_ok=True)
    with (stack.run_dir / "lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackError(
                f"another `{stack.profile.name}` stack is already running from this checkout"
            ) from None
        yield


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: Any) -> None:
    _ignore_signals()  # a second signal must not interrupt the teardown
    raise _Stop(signum)


def _ignore_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


# --------------------------------------------------------------------------- commands


def cmd_prepare(args: argparse.Namespace) -> int:
    stack = load_stack(args)
    with profile_lock(stack):
        prepare(stack)
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    stack = load_stack(args)
    with profile_lock(stack):
        procs = ProcessSet(stack.run_dir)
        procs.reap_leftovers()
        # explicit SIGINT too: a shell that starts us in the background ignores it
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _raise_stop)
        try:
            if not args.no_prepare:
                prepare(stack)
            say("starting localstripe, the three services and the frontend")
            start(stack, procs, echo=True, timeout=args.timeout)
            with _print_lock:
                print(banner(stack), flush=True)
            while True:
                for child in procs.children:
                    if not child.alive():
                        raise StackError(
                            f"{child.name} stopped unexpectedly "
                            f"(exit {child.process.returncode if child.process else '?'})"
                        )
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stop):
            _ignore_signals()
            say("stopping")
            return 0
        finally:
            _ignore_signals()
            procs.stop_all()
            say("everything stopped")


def cmd_run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise StackError("nothing to run: stack.py run --profile P -- CMD [ARGS...]")
    stack = load_stack(args)
    with profile_lock(stack):
        procs = ProcessSet(stack.run_dir)
        procs.reap_leftovers()
        # explicit SIGINT too: a shell that starts us in the background ignores it
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _raise_stop)
        cmd_proc: subprocess.Popen[bytes] | None = None
        try:
            if not args.no_prepare:
                prepare(stack)
            start(stack, procs, echo=stack.show_logs, timeout=args.timeout)
            env = {**os.environ, **stack.public_env()}
            say(f"stack ready; running: {' '.join(command)}")
            cmd_proc = subprocess.Popen(command, env=env)  # noqa: S603 - the user's command
            code = cmd_proc.wait()
            say(f"{command[0]} exited with {code}")
            if code != 0:
                say(f"service logs: {stack.run_dir / 'logs'}")
            return code
        except (KeyboardInterrupt, _Stop):
            if cmd_proc is not None and cmd_proc.poll() is None:
                cmd_proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    cmd_proc.wait(timeout=10)
            return 130
        finally:
            _ignore_signals()
            procs.stop_all()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stack.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--profile", choices=sorted(PROFILES), default="dev")
        p.add_argument(
            "--products",
            type=int,
            default=int(os.environ.get("BENCH_PRODUCTS", 100_000)),
            help="bench profile: products in the catalog seed",
        )
        p.add_argument(
            "--stores",
            type=int,
            default=int(os.environ.get("BENCH_STORES", 10_000)),
            help="bench profile: stores in the catalog seed",
        )

    def running(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-prepare",
            action="store_true",
            help="skip databases/migrations/seeds (already done)",
        )
        p.add_argument(
            "--frontend",
            choices=["dev", "preview", "none"],
            help="vite dev server, a production build, or no frontend "
            "(default: dev for the dev profile, preview for the others)",
        )
        p.add_argument(
            "--timeout", type=float, default=180.0, help="seconds to wait for everything to answer"
        )
        p.add_argument("--no-seed", action="store_true", help="migrate, but load no demo data")

    p_up = sub.add_parser("up", help="run the stack in the foreground (Ctrl-C stops it)")
    common(p_up)
    running(p_up)
    p_up.set_defaults(func=cmd_up)

    p_run = sub.add_parser("run", help="bring the stack up, run a command, tear it down")
    common(p_run)
    running(p_run)
    p_run.add_argument("--logs", action="store_true", help="also print service logs")
    p_run.add_argument("command", nargs=argparse.REMAINDER)
    p_run.set_defaults(func=cmd_run)

    p_prep = sub.add_parser("prepare", help="create, migrate and seed the profile's databases")
    common(p_prep)
    p_prep.set_defaults(func=cmd_prepare, frontend=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (StackError, balancer.BalancerError) as exc:
        warn(str(exc))
        return 1
    except pg.DiscoveryError as exc:
        warn(f"PostgreSQL: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
