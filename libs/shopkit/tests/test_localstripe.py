"""The in-memory localstripe launcher serves the Stripe API and writes nothing to disk."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from shopkit.testing.live import free_port, start_process

PICKLE = Path("/tmp/localstripe.pickle")  # noqa: S108 - the path stock localstripe uses


def test_localstripe_runs_in_memory(tmp_path: Path) -> None:
    port = free_port()
    argv = [sys.executable, "-m", "shopkit.testing.localstripe", "--port", str(port)]
    with start_process("localstripe", argv, port=port, health_path="/js.stripe.com/v3/"):
        created = httpx.post(
            f"http://127.0.0.1:{port}/v1/payment_intents",
            data={"amount": "1999", "currency": "usd"},
            auth=("sk_test_local", ""),
        )
    assert created.status_code == 200
    assert created.json()["amount"] == 1999
    # Other localstripe instances on this machine may write the file; ours never does, so
    # whatever is there cannot contain the intent just created.
    if PICKLE.exists():
        assert created.json()["id"].encode() not in PICKLE.read_bytes()
