"""CPU cost of tokens and password hashing, measured in this process (part of `make bench`).

- Tokens: CPU per access token signed, per token verified and per service token handed to an
  HTTP client, through shopkit's TokenSigner/TokenVerifier; next to the same work done the
  way it was before keys were parsed once (the PEM handed to python-jose on every call), so
  the gain is measured, not remembered. Goals: sign < 1 ms, verify < 0.2 ms.
- Passwords: CPU per argon2id verification at the default cost and at OWASP's floor, as
  logins per second per core, and the throughput of identity-commerce's hashing pool (one
  thread per core) under a burst.

`python bench/auth_costs.py` prints the figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from jose import jwt
from shopkit.scopes import INVENTORY_WRITE
from shopkit.tokens import IDENTITY_KEY_ID, TokenSigner, TokenVerifier, ensure_dev_key

TOKENS = int(os.environ.get("BENCH_TOKENS", "2000"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "16"))


def cpu_ms_per_call(work: Callable[[], object], calls: int) -> float:
    """Process CPU time per call, in milliseconds (best of three rounds)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(calls):
            work()
        best = min(best, (time.process_time() - start) / calls)
    return round(best * 1000, 4)


def token_costs(keys: Path) -> dict[str, Any]:
    ensure_dev_key(keys, IDENTITY_KEY_ID)
    signer = TokenSigner.from_keys_dir(
        keys, IDENTITY_KEY_ID, issuer="shop-identity", audience="shop", generate=False
    )
    verifier = TokenVerifier.from_keys_dir(
        keys, issuer="shop-identity", audience="shop", trusted=[IDENTITY_KEY_ID]
    )

    def sign() -> str:
        return signer.issue(subject=str(uuid.uuid4()), role="customer", ttl=timedelta(minutes=15))

    token = sign()
    private_pem = (keys / f"{IDENTITY_KEY_ID}.key").read_text()
    public_pem = (keys / f"{IDENTITY_KEY_ID}.pub").read_text()
    claims = jwt.get_unverified_claims(token)
    slow_calls = max(20, TOKENS // 50)  # parsing the PEM each time is ~100x slower
    return {
        "sign_ms": cpu_ms_per_call(sign, TOKENS),
        "verify_ms": cpu_ms_per_call(lambda: verifier.verify(token), TOKENS),
        "service_token_ms": cpu_ms_per_call(
            lambda: signer.service_token(300, scopes=(INVENTORY_WRITE,)), TOKENS
        ),
        # The same operations with the PEM parsed on every call (how tokens were made before).
        "sign_parsing_pem_ms": cpu_ms_per_call(
            lambda: jwt.encode(claims, private_pem, "RS256", headers={"kid": signer.kid}),
            slow_calls,
        ),
        "verify_parsing_pem_ms": cpu_ms_per_call(
            lambda: jwt.decode(token, public_pem, algorithms=["RS256"], audience="shop"),
            slow_calls,
        ),
        "goal_sign_ms": 1.0,
        "goal_verify_ms": 0.2,
    }


def password_costs() -> dict[str, Any]:
    services = Path(__file__).resolve().parents[1] / "services" / "identity-commerce" / "src"
    sys.path.insert(0, str(services))
    from identity_commerce.core.config import STRONG_ARGON2, Argon2Cost, usable_cores
    from identity_commerce.services.passwords import PasswordHasher

    cores = usable_cores()
    owasp_floor = Argon2Cost(time_cost=2, memory_cost_kib=19_456, parallelism=1)
    out: dict[str, Any] = {"cores": cores}
    for name, cost in (("default", STRONG_ARGON2), ("owasp_floor", owasp_floor)):
        hasher = PasswordHasher(cost, workers=cores)
        stored = hasher.hash("Correct-horse-9")
        calls = max(4, LOGINS // (1 if name == "owasp_floor" else 2))
        cpu_ms = cpu_ms_per_call(lambda h=hasher, s=stored: h.verify("Wrong-horse-9", s), calls)

        async def burst(h: PasswordHasher = hasher, s: str = stored, n: int = calls * 2) -> float:
            start = time.perf_counter()
            await asyncio.gather(*(h.verify_async("Wrong-horse-9", s) for _ in range(n)))
            return n / (time.perf_counter() - start)

        pool_rate = asyncio.run(burst())
        hasher.close()
        out[name] = {
            "time_cost": cost.time_cost,
            "memory_kib": cost.memory_cost_kib,
            "parallelism": cost.parallelism,
            "cpu_ms_per_login": cpu_ms,
            "logins_per_second_per_core": round(1000 / cpu_ms, 1),
            "pool_logins_per_second": round(pool_rate, 1),
        }
    return out


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as keys:
        tokens = token_costs(Path(keys))
    return {"tokens": tokens, "passwords": password_costs()}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
