"""Fixtures for the checkout, payment and order tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from shopkit.testing import LiveService, free_port, start_process

LOCALSTRIPE_LAUNCHER = Path(__file__).with_name("localstripe_process.py")
LOCALSTRIPE_HEALTH = "/js.stripe.com/v3/"  # answers 200 without an API key


def start_localstripe(log_dir: Path, *, port: int | None = None) -> LiveService:
    port = port or free_port()
    return start_process(
        "localstripe",
        [sys.executable, str(LOCALSTRIPE_LAUNCHER), "--port", str(port)],
        port=port,
        health_path=LOCALSTRIPE_HEALTH,
        log_dir=log_dir,
    )


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """One localstripe for the tests that only need Stripe to answer."""
    service = start_localstripe(tmp_path_factory.mktemp("localstripe"))
    yield service
    service.stop()
