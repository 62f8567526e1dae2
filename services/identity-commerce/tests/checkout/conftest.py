"""Fixtures for the checkout, payment and order tests of identity-commerce alone (the
whole-shop acceptance tests are in the repository's tests/acceptance)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from shopkit.testing import LiveService, free_port, start_process

LOCALSTRIPE_HEALTH = "/js.stripe.com/v3/"  # answers 200 without an API key


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """One localstripe for the tests that only need Stripe to answer."""
    port = free_port()
    service = start_process(
        "localstripe",
        # in memory only (shopkit's launcher): no shared /tmp pickle between test runs
        [sys.executable, "-m", "shopkit.testing.localstripe", "--port", str(port)],
        port=port,
        health_path=LOCALSTRIPE_HEALTH,
        log_dir=tmp_path_factory.mktemp("localstripe"),
    )
    yield service
    service.stop()
