"""The whole shop for the acceptance tests, started by the launcher (scripts/shopstack):
the same supervisor and the same migration step as `make dev` and the e2e run, on free
ports and databases named for this run, so runs side by side never meet.

The databases are migrated once per run; each test module gets copies of them and a shop
of its own (its tests share it, each with its own skus and shoppers)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pg
import pytest
from shopkit.testing import TokenFactory
from shopstack import launch, steps
from shopstack.environment import Stack, choose_ports
from shopstack.profiles import ACCEPTANCE
from shopstack.supervisor import ProcessSet

from .shop import Shop, sql_counting_runner

READY_SECONDS = 90.0  # a loaded machine (test runs side by side) starts services slowly


def acceptance_stack(server: pg.Server, prefix: str, folder: Path, **options: object) -> Stack:
    """The acceptance profile on databases `<prefix>_*`, its logs and mail in `folder`."""
    profile = dataclasses.replace(ACCEPTANCE, db_prefix=prefix)
    return Stack(
        profile=profile,
        server=server,
        ports=choose_ports(profile),
        frontend_mode=profile.frontend_mode,
        show_logs=False,
        catalog_seed_args=[],
        run_dir=folder,
        data_dir=folder,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def migrated_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shop's databases, created and migrated once per run by the launcher's steps."""
    server = pg.discover()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"acc_{worker}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    stack = acceptance_stack(server, prefix, tmp_path_factory.mktemp("migrate"))
    try:
        steps.create_databases(stack)
        steps.migrate(stack)
        yield stack
    finally:
        pg.drop_databases(server, prefix)


@pytest.fixture(scope="module")
def shop(
    migrated_shop: Stack, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shop]:
    """localstripe and the three services, started by the launcher on copies of the
    migrated databases; the services trust the test run's token keys."""
    tag = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp(f"shop-{tag}")
    server, prefix = migrated_shop.server, f"{migrated_shop.profile.db_prefix}_{tag}"
    stack = acceptance_stack(
        server,
        prefix,
        folder,
        keys_folder=tokens.keys_dir,
        runner=sql_counting_runner(folder / "logs"),
    )
    steps.copy_databases(server, migrated_shop.profile.db_prefix, prefix)
    processes = ProcessSet(folder)
    try:
        children = launch.start(stack, processes, echo=False, timeout=READY_SECONDS)
        shop = Shop(stack, processes, tokens, children)
        yield shop
        shop.stop()
    finally:
        processes.stop_all()
        pg.drop_databases(server, prefix)
