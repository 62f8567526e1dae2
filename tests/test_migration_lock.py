"""Migrations serialise on a PostgreSQL advisory lock (shopkit.migrations).

Real `alembic upgrade head` processes against a real, empty database: two replicas (or a
Job retried while its first pod still runs) starting at the same moment must both succeed,
one applying the migrations and the other waiting and then finding the database at head.
Without the lock both create `alembic_version` and the tables at once and one fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from shopkit.services import registered_services
from shopkit.settings import ServiceSettings
from shopkit.testing.database import create_database, drop_database
from sqlalchemy import create_engine, inspect

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICES = {
    # service folder: (package, database URL variable), of every declared service
    s.name: (s.package, s.database_env)
    for s in registered_services()
}

# Each process imports everything first, then waits for the start file, then runs the
# alembic command line: the two upgrades begin within a millisecond of each other instead
# of one interpreter start-up apart.
STARTER = """
import os, sys, time
import {package}.models
from alembic.config import main
while not os.path.exists(sys.argv[1]):
    time.sleep(0.001)
main(argv=["upgrade", "head"], prog="alembic")
"""


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(server URL, URL of a new empty database), dropped after the test."""
    server = ServiceSettings().sqlalchemy_url
    name = f"test_miglock_{request.node.callspec.id.replace('-', '_')}_{os.getpid()}"[:63]
    url = create_database(server, name)
    yield server, url
    drop_database(server, name)


def alembic(service: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=REPO_ROOT / "services" / service,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("service", list(SERVICES))
def test_two_upgrades_started_together_both_succeed_and_the_schema_is_right(
    service: str, empty_database: tuple[str, str], tmp_path: Path
) -> None:
    package, url_variable = SERVICES[service]
    _, url = empty_database
    env = {**os.environ, url_variable: url}
    go = tmp_path / "go"
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER.format(package=package), str(go)],
            cwd=REPO_ROOT / "services" / service,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(3)  # both interpreters have imported the service and wait for the signal
    go.touch()
    outputs = []
    for process in starters:
        out, _ = process.communicate(timeout=120)
        outputs.append(out)
        assert process.returncode == 0, f"alembic upgrade failed:\n{out}"

    # One process applied the migrations; the other waited for the lock and found the
    # database already at head.
    applied = [out for out in outputs if "Running upgrade  -> " in out]
    assert len(applied) == 1, outputs

    current = alembic(service, env, "current", "--check-heads")
    assert current.returncode == 0, current.stdout + current.stderr
    assert "(head)" in current.stdout
    # The tables, columns, indexes and constraints are exactly what the models declare.
    check = alembic(service, env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def wait_command(service: str, env: dict[str, str], timeout: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shopkit.migrations", "wait", "--timeout", str(timeout)],
        cwd=REPO_ROOT / "services" / service,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("service", ["notifications"])
def test_wait_returns_once_the_migrations_ran_and_not_before(
    service: str, empty_database: tuple[str, str]
) -> None:
    """What the web containers' init container runs in Kubernetes."""
    _, url_variable = SERVICES[service]
    _, url = empty_database
    env = {**os.environ, url_variable: url}

    waiter = wait_command(service, env, timeout=120)
    time.sleep(4)
    assert waiter.poll() is None, "wait returned while the database was still empty"

    upgrade = alembic(service, env, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    out, _ = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, out
    assert "database schema is at head" in out


@pytest.mark.parametrize("service", ["notifications"])
def test_wait_gives_up_with_a_clear_message_when_nothing_migrates(
    service: str, empty_database: tuple[str, str]
) -> None:
    _, url_variable = SERVICES[service]
    _, url = empty_database
    waiter = wait_command(service, {**os.environ, url_variable: url}, timeout=3)
    out, _ = waiter.communicate(timeout=60)
    assert waiter.returncode == 1
    assert "not at head after 3s" in out
    assert "DatabaseNotAtHead" in out  # the reason it kept waiting was logged


@pytest.mark.parametrize("service", list(SERVICES))
def test_migrations_need_only_the_database_url_even_in_production(
    service: str, empty_database: tuple[str, str]
) -> None:
    """What the Kubernetes migrations Job gets: ENV=production and its database URL, no
    signing key, no Stripe or SMTP secret. The server's production checks are not its."""
    _, url_variable = SERVICES[service]
    _, url = empty_database
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("STRIPE_", "SMTP_", "KEYS_DIR", "NOTIFY_", "CORS_"))
    }
    env.update({"ENV": "production", url_variable: url})
    upgrade = alembic(service, env, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    current = alembic(service, env, "current", "--check-heads")
    assert current.returncode == 0 and "(head)" in current.stdout, current.stderr


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_migration_downgrades_to_an_empty_database_and_upgrades_again(
    service: str, empty_database: tuple[str, str]
) -> None:
    """Each revision's downgrade undoes its upgrade: from head down to base leaves no table
    of the service, and the way back up builds the schema the models declare. (Check
    constraints dropped by a name the naming convention prefixed a second time broke
    identity-commerce's downgrade below 0007 once; nothing else ran downgrades.)"""
    _, url_variable = SERVICES[service]
    _, url = empty_database
    env = {**os.environ, url_variable: url}
    for step in (("upgrade", "head"), ("downgrade", "base")):
        done = alembic(service, env, *step)
        assert done.returncode == 0, done.stdout + done.stderr

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert tables <= {"alembic_version"}

    again = alembic(service, env, "upgrade", "head")
    assert again.returncode == 0, again.stdout + again.stderr
    check = alembic(service, env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
