"""The processes the shop is made of (localstripe, the services, the frontend) and how they
are started: keys first, then every process at once under the supervisor, then the hooks
once all of them answer."""

from __future__ import annotations

import json
import os
import shutil
import sys
from itertools import cycle

from shopstack import balancer
from shopstack.console import StackError, say, warn
from shopstack.environment import Stack
from shopstack.profiles import (
    FRONTEND_DIR,
    FRONTEND_PORT_KEY,
    REPO_ROOT,
    SERVICES,
    STRIPE_PORT_KEY,
    ServiceSpec,
)
from shopstack.steps import register_webhook, run_step, seed
from shopstack.supervisor import COLOURS, Child, ProcessSet, port_in_use, wait_ready

LOCALSTRIPE_READY_PATH = "/js.stripe.com/v3/"  # answers 200 without an API key
_colours = cycle(COLOURS)


def uvicorn_argv(stack: Stack, spec: ServiceSpec, port: int) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        spec.app_path,
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
        argv += ["--reload", "--reload-dir", str(spec.folder / "src")]
        argv += ["--reload-dir", str(REPO_ROOT / "libs" / "shopkit" / "src")]
    return argv


def metrics_folder(stack: Stack, name: str) -> str:
    """An empty folder where the workers of one process share their /metrics (a previous
    run's counters must not be added to this one's; shopkit.metrics)."""
    folder = stack.run_dir / "metrics" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return str(folder)


def service_child(
    stack: Stack,
    spec: ServiceSpec,
    *,
    name: str | None = None,
    port: int | None = None,
    env: dict[str, str] | None = None,
    echo: bool = False,
) -> Child:
    """A (not yet started) process of `spec`; `name`, `port` and `env` make a second one
    of the same service beside the stack's own."""
    name = name or spec.name
    port = port or stack.ports[spec.port_key]
    argv = (stack.runner or (lambda s, _n, p: uvicorn_argv(stack, s, p)))(spec, name, port)
    if "--workers" in argv:
        env = {**(env or {}), "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder(stack, name))}
    return Child(
        name,
        argv,
        spec.folder,
        {**stack.service_env(spec.name), **(env or {})},
        f"http://127.0.0.1:{port}/health/ready",
        next(_colours),
        stack.logs_dir / f"{name}.log",
        port=port,
        echo=echo,
    )


def service_children(stack: Stack, spec: ServiceSpec, *, echo: bool = False) -> list[Child]:
    """The processes of a service: one, or one per replica (all started at once, so their
    migrations meet on the database's migration lock)."""
    if stack.profile.replicas == 1:
        return [service_child(stack, spec, echo=echo)]
    children = []
    for n, port in enumerate(balancer.stack_replica_ports(stack, spec.port_key), start=1):
        name, env = f"{spec.name}-{n}", balancer.replica_env()
        child = service_child(stack, spec, name=name, port=port, env=env, echo=echo)
        child.argv = [str(balancer.ENTRYPOINT), *child.argv]
        children.append(child)
    return children


def localstripe_child(stack: Stack, *, echo: bool = False) -> Child:
    port = stack.ports[STRIPE_PORT_KEY]
    return Child(
        "localstripe",
        # in-memory localstripe (stock localstripe pickles its store to /tmp after each write)
        [sys.executable, "-m", "shopkit.testing.localstripe", "--port", str(port)],
        REPO_ROOT,
        stack.service_env(),
        f"http://127.0.0.1:{port}{LOCALSTRIPE_READY_PATH}",
        next(_colours),
        stack.logs_dir / "localstripe.log",
        port=port,
        echo=echo,
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
    port = str(stack.ports[FRONTEND_PORT_KEY])
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


def frontend_child(stack: Stack, *, echo: bool) -> Child | None:
    """The frontend's serving process (built first in preview mode), or None without one."""
    if stack.frontend_mode == "none":
        say("frontend not started (--frontend none)")
        return None
    commands = frontend_commands(stack)
    if commands is None:
        warn("frontend/package.json does not exist yet: the frontend is not started")
        return None
    build, serve = commands
    env = {**stack.service_env(), **stack.public_env()}
    if build is not None:
        run_step(
            "build the frontend",
            build,
            cwd=FRONTEND_DIR,
            env=env,
            log_path=stack.logs_dir / "frontend-build.log",
        )
    port = stack.ports[FRONTEND_PORT_KEY]
    url = f"http://127.0.0.1:{port}/"
    log = stack.logs_dir / "frontend.log"
    return Child("frontend", serve, FRONTEND_DIR, env, url, next(_colours), log, port, echo)


def start(stack: Stack, procs: ProcessSet, *, echo: bool, timeout: float) -> dict[str, Child]:
    """Start every process, wait until all answer, then run the post-start hooks.
    Returns the children by name."""
    ports = dict(stack.ports)
    if stack.profile.replicas > 1:
        ports |= balancer.replica_ports_by_name(stack)
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
    # Keys first, in this process: three services starting at once must not race to create
    # the same key folder, and every service must see every other's public key.
    from shopkit.tokens import ensure_dev_key

    for spec in SERVICES:
        ensure_dev_key(stack.keys_dir, spec.name)

    children = [localstripe_child(stack, echo=echo)]
    children += [c for spec in SERVICES for c in service_children(stack, spec, echo=echo)]
    for child in children:
        procs.add(child)
    frontend = frontend_child(stack, echo=echo)
    if frontend is not None:
        children.append(procs.add(frontend))
        stack.frontend_started = True
    wait_ready(children, timeout)
    if stack.profile.replicas > 1:
        children.append(balancer.start(stack, procs, echo=echo, timeout=timeout))
        if stack.profile.seed:
            seed(stack)
    register_webhook(stack)
    return {child.name: child for child in children}
