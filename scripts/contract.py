"""Contract test: the schemathesis CLI against the running shop, one service after another.

    python scripts/stack.py run --profile e2e --frontend none -- python scripts/contract.py

(`make test-contract` runs exactly that.) An in-process fuzz run (shopkit.testing.fuzz)
misses what only a live server shows: real sockets, real HTTP parsing, uvicorn, committed
data between requests. This runs the CLI as an outside tester would, with `--checks all`
and the examples, coverage, fuzzing and stateful phases, against the URLs the stack exports
(IDENTITY_URL, CATALOG_URL, NOTIFICATIONS_URL), and exits non-zero when any check fails.

Tokens (tests/contract/schemathesis.toml says which route gets which):
- customer: a fresh account signed up and logged in through identity-commerce, so every
  account check a route makes sees a real, active user;
- admin: the seeded demo admin, logged in the same way;
- service: signed with the calling service's key from the stack's KEYS_DIR, as that
  service would sign it, with every scope that service may hold (shopkit.scopes.GRANTS).

Reports (JUnit XML) go to .run/contract/ (git-ignored). The seed in the configuration makes
a run send the same requests as the previous one.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from shopkit.scopes import GRANTS
from shopkit.services import registered_services
from shopkit.tokens import TokenSigner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import DEMO_LOGINS, REPO_ROOT, RUN_DIR  # noqa: E402  (scripts/stack.py)

CONFIG = REPO_ROOT / "tests" / "contract" / "schemathesis.toml"
# (name, URL variable) of every declared service (shopkit.services)
SERVICES = tuple((s.name, f"{s.env_prefix}_URL") for s in registered_services())
CUSTOMER_PASSWORD = "Contract-Test-Pass-1"  # noqa: S105 - a throwaway account on a test stack


def say(message: str) -> None:
    print(f"==> contract: {message}", flush=True)


def login(identity: httpx.Client, email: str, password: str) -> str:
    response = identity.post("/auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])


def customer_token(identity: httpx.Client) -> str:
    email = f"contract-{uuid.uuid4().hex[:12]}@example.com"
    signup = identity.post(
        "/auth/signup",
        json={
            "email": email,
            "password": CUSTOMER_PASSWORD,
            "first_name": "Contract",
            "last_name": "Tester",
        },
    )
    signup.raise_for_status()
    return login(identity, email, CUSTOMER_PASSWORD)


def admin_token(identity: httpx.Client) -> str:
    _, email, password = next(login for login in DEMO_LOGINS if login[0] == "admin")
    return login(identity, email, password)


def service_token(keys_dir: Path, caller: str) -> str:
    signer = TokenSigner.from_keys_dir(
        keys_dir,
        caller,
        issuer=os.environ.get("JWT_ISSUER", "shop-identity"),
        audience=os.environ.get("JWT_AUDIENCE", "shop"),
        generate=False,
    )
    return signer.service_token(ttl_seconds=3600, scopes=GRANTS[caller])


def token_env() -> dict[str, str]:
    keys_dir = Path(os.environ["KEYS_DIR"])
    # From a loopback address of its own: the fuzzing that follows drives 127.0.0.1 into the
    # sign-up and login rate limits, and a second run on the same stack must still get in.
    address = ".".join(["127", *(str(secrets.randbelow(254) + 1) for _ in range(3))])
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(
        base_url=os.environ["IDENTITY_URL"], timeout=30, transport=transport
    ) as identity:
        return {
            "SHOP_CONTRACT_CUSTOMER_TOKEN": customer_token(identity),
            "SHOP_CONTRACT_ADMIN_TOKEN": admin_token(identity),
            "SHOP_CONTRACT_IDENTITY_SERVICE_TOKEN": service_token(keys_dir, "identity-commerce"),
            "SHOP_CONTRACT_CATALOG_SERVICE_TOKEN": service_token(keys_dir, "catalog-fulfillment"),
        }


def run_schemathesis(name: str, url: str, env: dict[str, str], extra: list[str]) -> int:
    report_dir = RUN_DIR / "contract"
    report_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"{name}.xml"),
        "--wait-for-schema",
        "30",
        *extra,
    ]
    return subprocess.call(argv, env=env, cwd=report_dir)  # noqa: S603 - fixed argv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--service",
        action="append",
        choices=[name for name, _ in SERVICES],
        help="only this service (repeatable; default: all three)",
    )
    parser.add_argument("extra", nargs="*", help="more schemathesis `run` options, after --")
    args = parser.parse_args()
    missing = [var for var in ("KEYS_DIR", *(v for _, v in SERVICES)) if not os.environ.get(var)]
    if missing:
        say(f"{', '.join(missing)} not set: run me through scripts/stack.py run (see above)")
        return 2

    env = {**os.environ, **token_env()}
    results: list[tuple[str, int, float]] = []
    for name, variable in SERVICES:
        if args.service and name not in args.service:
            continue
        say(f"{name} at {os.environ[variable]}")
        started = time.monotonic()
        code = run_schemathesis(name, os.environ[variable], env, args.extra)
        results.append((name, code, time.monotonic() - started))

    for name, code, seconds in results:
        say(f"{name}: {'passed' if code == 0 else f'FAILED (exit {code})'} in {seconds:.0f}s")
    say(f"total {sum(s for _, _, s in results):.0f}s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
