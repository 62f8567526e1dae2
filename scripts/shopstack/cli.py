"""`stack.py up | run | prepare`: the command line of the launcher."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Sequence

import pg

from shopstack.console import StackError, paint, print_lock, say, warn
from shopstack.environment import Stack, choose_ports
from shopstack.launch import start
from shopstack.profiles import DEMO_LOGINS, FRONTEND_PORT_KEY, PROFILES, SERVICES
from shopstack.steps import prepare
from shopstack.supervisor import ProcessSet, Stop, ignore_signals, run_lock, stop_on_signals

USAGE = """Run the whole shop as local processes: three services, localstripe and the frontend.

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
           service migrate as they start, behind HAProxy (statistics on 24900), then seeded

`SHOP_STACK_PORT_OFFSET=N` shifts every port and `SHOP_STACK_DB_PREFIX=name` renames the
databases (two stacks of one profile on one machine).
PostgreSQL comes from scripts/pg.py (PGHOST/... when set, else 127.0.0.1:5432, else embedded).
Each child runs in its own process group and is stopped (TERM, then KILL) on exit; logs are
prefixed on the console and kept in .run/<profile>/logs/.
"""


def load_stack(args: argparse.Namespace) -> Stack:
    profile = PROFILES[args.profile]
    offset = int(os.environ.get("SHOP_STACK_PORT_OFFSET") or 0)
    ports = choose_ports(profile, offset)
    prefix = os.environ.get("SHOP_STACK_DB_PREFIX")
    if prefix:
        profile = dataclasses.replace(profile, db_prefix=prefix)
    if getattr(args, "no_seed", False):
        profile = dataclasses.replace(profile, seed=False)
    say(f"profile {profile.name}: finding PostgreSQL")
    server = pg.discover()
    say(f"PostgreSQL: {server.description}")
    if server.kind == "embedded":
        say("running on the embedded PostgreSQL (no usable server on 127.0.0.1:5432)")
    seed_args = list(profile.catalog_seed_args)
    if profile.name == "bench":
        seed_args = ["--products", str(args.products), "--stores", str(args.stores)]
    return Stack(
        profile=profile,
        server=server,
        ports=ports,
        frontend_mode=args.frontend or profile.frontend_mode,
        show_logs=bool(getattr(args, "logs", False)),
        catalog_seed_args=seed_args,
    )


def banner(stack: Stack) -> str:
    port = stack.ports[FRONTEND_PORT_KEY]
    frontend = f"http://localhost:{port}" if stack.frontend_started else "not started"
    lines = [
        "",
        paint("The shop is running.", "1;32")
        + f"  (profile {stack.profile.name}, Ctrl-C stops it)",
        "",
        f"  {'Shop (frontend)':<22} {frontend}",
        *[f"  {spec.name:<22} {stack.url(spec.port_key)}/docs" for spec in SERVICES],
        f"  {'localstripe':<22} {stack.url('stripe')}",
        *(
            [f"  {'HAProxy statistics':<22} {stack.url('balancer')}/stats"]
            if stack.profile.replicas > 1
            else []
        ),
        f"  {'PostgreSQL':<22} {stack.server.description}",
        f"  {'Sent notifications':<22} {stack.mail_dir}",
        f"  {'Logs':<22} {stack.logs_dir}",
        "",
        "  Demo logins:",
        *[f"    {role:<9} {email:<20} {password}" for role, email, password in DEMO_LOGINS],
        "",
    ]
    return "\n".join(lines)


def cmd_prepare(args: argparse.Namespace) -> int:
    stack = load_stack(args)
    with run_lock(stack.run_dir, stack.profile.name):
        prepare(stack)
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    stack = load_stack(args)
    with run_lock(stack.run_dir, stack.profile.name):
        procs = ProcessSet(stack.run_dir)
        procs.reap_leftovers()
        stop_on_signals()
        try:
            if not args.no_prepare:
                prepare(stack)
            say("starting localstripe, the services and the frontend")
            start(stack, procs, echo=True, timeout=args.timeout)
            with print_lock:
                print(banner(stack), flush=True)
            while True:
                for child in procs.children:
                    if not child.alive():
                        raise StackError(
                            f"{child.name} stopped unexpectedly "
                            f"(exit {child.process.returncode if child.process else '?'})"
                        )
                time.sleep(0.5)
        except (KeyboardInterrupt, Stop):
            ignore_signals()
            say("stopping")
            return 0
        finally:
            ignore_signals()
            procs.stop_all()
            say("everything stopped")


def cmd_run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise StackError("nothing to run: stack.py run --profile P -- CMD [ARGS...]")
    stack = load_stack(args)
    with run_lock(stack.run_dir, stack.profile.name):
        procs = ProcessSet(stack.run_dir)
        procs.reap_leftovers()
        stop_on_signals()
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
                say(f"service logs: {stack.logs_dir}")
            return code
        except (KeyboardInterrupt, Stop):
            if cmd_proc is not None and cmd_proc.poll() is None:
                cmd_proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    cmd_proc.wait(timeout=10)
            return 130
        finally:
            ignore_signals()
            procs.stop_all()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stack.py", description=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter
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
    except StackError as exc:
        warn(str(exc))
        return 1
    except pg.DiscoveryError as exc:
        warn(f"PostgreSQL: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
