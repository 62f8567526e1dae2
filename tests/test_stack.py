"""scripts/stack.py: the whole shop as local processes (what `make dev` and the e2e run use)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import pg  # noqa: E402
import stack  # noqa: E402

STACK = str(REPO_ROOT / "scripts" / "stack.py")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_offset() -> int:
    """A port offset under which every e2e port is free (other stacks may run here).

    Ports stay below 32768, where the kernel hands out ephemeral ports, and away from the
    ports of the standard profiles."""
    e2e_ports = stack.PROFILES["e2e"].ports.values()
    standard = {p for profile in stack.PROFILES.values() for p in profile.ports.values()}
    for _ in range(100):
        offset = random.randrange(1_000, 14_000)
        ports = {p + offset for p in e2e_ports}
        if ports & standard or max(ports) >= 32_768:
            continue
        if not any(_listening(p) for p in ports):
            return offset
    raise AssertionError("no free port range found")


def test_profiles_have_distinct_ports_and_databases() -> None:
    ports = [p for profile in stack.PROFILES.values() for p in profile.ports.values()]
    assert len(ports) == len(set(ports))
    assert stack.PROFILES["dev"].ports == {
        "identity": 8001,
        "catalog": 8002,
        "notifications": 8010,
        "stripe": 8420,
        "frontend": 5173,
    }
    assert {p.db_prefix for p in stack.PROFILES.values()} == {"ecom", "e2e", "bench", "scale"}
    assert not stack.PROFILES["dev"].fresh_databases  # dev data survives restarts
    assert stack.PROFILES["e2e"].fresh_databases


def test_service_environment_points_every_process_at_the_profile() -> None:
    server = pg.Server("/tmp/sock", 5432, "postgres", "", "embedded", "embedded")
    s = stack.Stack(
        profile=stack.PROFILES["e2e"],
        server=server,
        ports=dict(stack.PROFILES["e2e"].ports),
        frontend_mode="none",
        show_logs=False,
        catalog_seed_args=[],
    )
    env = s.service_env()
    assert env["IDENTITY_URL"] == "http://127.0.0.1:18001"
    assert env["CATALOG_URL"] == "http://127.0.0.1:18002"
    assert env["NOTIFICATIONS_URL"] == "http://127.0.0.1:18010"
    assert env["STRIPE_API_BASE"] == "http://127.0.0.1:18420"
    assert env["VITE_IDENTITY_URL"] == env["IDENTITY_URL"]
    assert env["VITE_STRIPE_JS_URL"] == "http://127.0.0.1:18420/js.stripe.com/v3/"
    assert json.loads(env["CORS_ORIGINS"]) == [
        "http://localhost:15173",
        "http://127.0.0.1:15173",
    ]
    assert env["CATALOG_DATABASE_URL"] == (
        "postgresql+psycopg://postgres@/e2e_catalog_fulfillment?host=/tmp/sock&port=5432"
    )
    assert env["PGHOST"] == "/tmp/sock"
    assert Path(env["KEYS_DIR"]).is_relative_to(REPO_ROOT / ".data" / "e2e")
    assert env["NOTIFY_FILE_DIR"].endswith("outbox-mail")


def test_the_acceptance_profile_takes_free_ports_and_sets_each_service_alone() -> None:
    """The acceptance tests' shop: every port free and distinct, the profile's settings for
    one service reach that service only."""
    from shopstack.environment import choose_ports
    from shopstack.profiles import ACCEPTANCE, SERVICES

    ports = choose_ports(ACCEPTANCE)
    assert set(ports) == set(stack.PROFILES["dev"].ports)
    assert all(ports.values()) and len(set(ports.values())) == len(ports)
    server = pg.Server("/tmp/sock", 5432, "postgres", "", "embedded", "embedded")
    s = stack.Stack(
        profile=ACCEPTANCE,
        server=server,
        ports=ports,
        frontend_mode="none",
        show_logs=False,
        catalog_seed_args=[],
    )
    identity = s.service_env("identity-commerce")
    catalog = s.service_env("catalog-fulfillment")
    assert identity["STRIPE_WEBHOOK_SECRET"] == "whsec_test_acceptance"
    assert catalog["STRIPE_WEBHOOK_SECRET"] != "whsec_test_acceptance"
    assert identity["OUTBOX_POLL_SECONDS"] == "0.2"
    assert catalog["OUTBOX_POLL_SECONDS"] == "0.5"
    assert identity["ENV"] == catalog["ENV"] == "test"
    assert identity["CATALOG_URL"] == f"http://127.0.0.1:{ports['catalog']}"
    assert [spec.name for spec in SERVICES] == [
        "catalog-fulfillment",
        "identity-commerce",
        "notifications",
    ]


def test_preview_builds_into_a_folder_of_its_own() -> None:
    """Two stacks (or a developer's frontend/dist) must not share one build: the API URLs
    are baked into it."""
    server = pg.Server("/tmp/sock", 5432, "postgres", "", "embedded", "embedded")
    s = stack.Stack(
        profile=stack.PROFILES["e2e"],
        server=server,
        ports=dict(stack.PROFILES["e2e"].ports),
        frontend_mode="preview",
        show_logs=False,
        catalog_seed_args=[],
    )
    commands = stack.frontend_commands(s)
    assert commands is not None
    build, serve = commands
    assert build is not None
    out_dir = str(s.run_dir / "frontend-dist")
    assert build[-3:] == ["--outDir", out_dir, "--emptyOutDir"]
    assert serve[serve.index("--outDir") + 1] == out_dir
    assert serve[serve.index("--port") + 1] == "15173"
    assert "--strictPort" in serve


def test_run_without_a_command_is_a_clear_error() -> None:
    result = subprocess.run(
        [sys.executable, STACK, "run", "--profile", "e2e"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "nothing to run" in result.stderr


@pytest.fixture
def isolated_stack_env() -> dict[str, str]:
    prefix = f"stk_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "SHOP_STACK_PORT_OFFSET": str(_free_offset()),
        "SHOP_STACK_DB_PREFIX": prefix,
        "NO_COLOR": "1",
    }
    yield env
    server = pg.discover(env)
    pg.drop_databases(server, prefix)
    for folder in (REPO_ROOT / ".data" / f"e2e-{prefix}", REPO_ROOT / ".run" / f"e2e-{prefix}"):
        shutil.rmtree(folder, ignore_errors=True)


def test_run_brings_the_stack_up_runs_the_command_and_tears_down(
    tmp_path: Path, isolated_stack_env: dict[str, str]
) -> None:
    """`stack.py run`: fresh databases, migrations, seeds, every process answering, the
    command sees the URLs, its exit code is passed on, and nothing is left running."""
    offset = int(isolated_stack_env["SHOP_STACK_PORT_OFFSET"])
    report = tmp_path / "seen.json"
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(
            f"""
            import json, os, sys, urllib.request
            names = ["IDENTITY_URL", "CATALOG_URL", "NOTIFICATIONS_URL", "STRIPE_URL",
                     "FRONTEND_URL", "VITE_IDENTITY_URL", "VITE_CATALOG_URL"]
            seen = {{n: os.environ.get(n) for n in names}}
            for n in ["IDENTITY_URL", "CATALOG_URL", "NOTIFICATIONS_URL"]:
                with urllib.request.urlopen(seen[n] + "/health/ready", timeout=5) as r:
                    seen[n + "_ready"] = r.status
            with urllib.request.urlopen(
                seen["STRIPE_URL"] + "/js.stripe.com/v3/", timeout=5
            ) as r:
                seen["STRIPE_status"] = r.status
            with urllib.request.urlopen(
                seen["CATALOG_URL"] + "/catalog/categories", timeout=5
            ) as r:
                seen["categories_status"] = r.status
            open({str(report)!r}, "w").write(json.dumps(seen))
            sys.exit(7)
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            STACK,
            "run",
            "--profile",
            "e2e",
            "--frontend",
            "none",
            "--",
            sys.executable,
            str(probe),
        ],
        env=isolated_stack_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 7, result.stdout[-4000:] + result.stderr[-4000:]
    seen = json.loads(report.read_text())
    assert seen["IDENTITY_URL"] == f"http://127.0.0.1:{18001 + offset}"
    assert seen["CATALOG_URL"] == f"http://127.0.0.1:{18002 + offset}"
    assert seen["NOTIFICATIONS_URL"] == f"http://127.0.0.1:{18010 + offset}"
    assert seen["STRIPE_URL"] == f"http://127.0.0.1:{18420 + offset}"
    assert seen["FRONTEND_URL"] == f"http://127.0.0.1:{15173 + offset}"
    assert seen["VITE_CATALOG_URL"] == seen["CATALOG_URL"]
    assert seen["IDENTITY_URL_ready"] == seen["CATALOG_URL_ready"] == 200
    assert seen["NOTIFICATIONS_URL_ready"] == seen["STRIPE_status"] == 200
    assert seen["categories_status"] == 200
    assert "migrate catalog-fulfillment: done" in result.stdout
    # everything it started is gone
    for port in stack.PROFILES["e2e"].ports.values():
        assert not _listening(port + offset), port + offset


def test_up_serves_until_interrupted_and_leaves_nothing_behind(
    isolated_stack_env: dict[str, str],
) -> None:
    """`stack.py up` (what `make dev` runs): Ctrl-C on the terminal stops every process."""
    offset = int(isolated_stack_env["SHOP_STACK_PORT_OFFSET"])
    prefix = isolated_stack_env["SHOP_STACK_DB_PREFIX"]
    proc = subprocess.Popen(
        [sys.executable, STACK, "up", "--profile", "e2e", "--frontend", "none"],
        env=isolated_stack_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # like a terminal's foreground process group
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "The shop is running." in line:
                break
        else:
            raise AssertionError("stack did not come up:\n" + "".join(lines[-80:]))
        # prefixed log lines from the children, and the banner with logins
        assert any(line.startswith("identity-commerce   |") for line in lines)
        banner_rest = []
        for line in proc.stdout:
            banner_rest.append(line)
            if "bob@example.com" in line:  # the last demo login ends the banner
                break
        assert any("alice@example.com" in line for line in banner_rest)
        pids = json.loads((REPO_ROOT / ".run" / f"e2e-{prefix}" / "pids.json").read_text())
        children = [c["pid"] for c in pids["children"]]
        assert len(children) == 4  # localstripe and the three services
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, out[-3000:]
    assert "everything stopped" in out
    for pid in children:
        assert (
            not Path(f"/proc/{pid}").exists()
            or b"zombie" in Path(f"/proc/{pid}/status").read_bytes().lower()
        ), f"child {pid} still running"
    for port in stack.PROFILES["e2e"].ports.values():
        assert not _listening(port + offset), port + offset
