"""Rotating identity-commerce's signing key while its tokens are in use, with real processes
that verify each other's tokens through their JWKS over HTTP: tokens signed with the old key
keep working until they expire, new tokens carry the new kid, and tokens with made-up kids
do not make catalog-fulfillment hammer identity-commerce."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from jose import jwt
from shopkit.testing.database import TestDatabases
from shopkit.testing.live import LiveService, free_port
from shopkit.testing.plugin import LiveProcesses
from shopkit.testing.tokens import write_operator_key
from shopkit.tokens import TokenSigner, ensure_dev_key, key_id, published_keys
from sqlalchemy.engine import make_url

IDENTITY = "identity-commerce"
REFRESH_MIN_SECONDS = 10.0


def sql(url: str, statement: str, *params: Any) -> None:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.execute(statement, params)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jwks_requests(service: LiveService) -> int:
    """How many times the service answered GET /.well-known/jwks.json (its access log)."""
    assert service.log_path is not None
    count = 0
    for line in service.log_path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("path") == "/.well-known/jwks.json":
            count += 1
    return count


def test_old_tokens_verify_until_they_expire_and_new_ones_carry_the_new_kid(
    catalog_database: str,  # first: dropped only after the processes stopped
    test_databases: TestDatabases,
    live_processes: LiveProcesses,
    tmp_path: Path,
) -> None:
    identity_keys, catalog_keys = tmp_path / "identity-keys", tmp_path / "catalog-keys"
    ensure_dev_key(identity_keys, IDENTITY)
    ensure_dev_key(catalog_keys, "catalog-fulfillment")
    identity_port, catalog_port = free_port(), free_port()
    urls = {
        "IDENTITY_URL": f"http://127.0.0.1:{identity_port}",
        "CATALOG_URL": f"http://127.0.0.1:{catalog_port}",
        "NOTIFICATIONS_URL": f"http://127.0.0.1:{free_port()}",  # not started, not asked
        "TRUSTED_KEYS_SOURCE": "jwks",
        "JWKS_REFRESH_MIN_SECONDS": str(REFRESH_MIN_SECONDS),
    }
    identity_db = test_databases.clone(f"rotate_{uuid.uuid4().hex[:6]}")
    identity_env = {
        **urls,
        "KEYS_DIR": str(identity_keys),
        "IDENTITY_DATABASE_URL": identity_db,
        "OUTBOX_RELAY_ENABLED": "false",
        "ORDER_EXPIRY_SWEEPER_ENABLED": "false",
        "ORDER_FOLLOWUPS_ENABLED": "false",
    }
    start = "identity_commerce.main:create_app"
    identity = live_processes.start("identity-old-key", start, identity_env, port=identity_port)
    catalog = live_processes.start(
        "catalog",
        "catalog_fulfillment.main:create_app",
        env={
            **urls,
            "KEYS_DIR": str(catalog_keys),
            "CATALOG_DATABASE_URL": catalog_database,
            "OUTBOX_RELAY_ENABLED": "false",
        },
        port=catalog_port,
    )

    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "Admin-pass-1", "first_name": "A", "last_name": "D"}
    signup = httpx.post(f"{identity.url}/auth/signup", json=body)
    assert signup.status_code == 201, signup.text
    sql(identity_db, "UPDATE users SET role = 'admin' WHERE email = %s", email)

    def sign_in() -> str:
        login = httpx.post(
            f"{identity.url}/auth/login", json={"email": email, "password": "Admin-pass-1"}
        )
        assert login.status_code == 200, login.text
        return str(login.json()["access_token"])

    def new_category(token: str) -> int:
        """An admin write on catalog-fulfillment: it verifies the token with identity's
        JWKS, then confirms the account with identity-commerce, which verifies catalog's
        service token with catalog's JWKS."""
        return httpx.post(
            f"{catalog.url}/admin/categories",
            json={"name": f"Category {uuid.uuid4().hex[:6]}"},
            headers=bearer(token),
            timeout=15,
        ).status_code

    old_token = sign_in()
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    old_pem = (identity_keys / f"{IDENTITY}.key").read_bytes()
    assert old_kid == key_id(IDENTITY, old_pem)
    assert new_category(old_token) == 201
    first_fetch = time.monotonic()
    assert jwks_requests(identity) == 1  # one fetch, then the cache
    assert new_category(old_token) == 201
    assert jwks_requests(identity) == 1

    # A token of the old key that expires soon after the rotation (identity-commerce's own
    # are valid for ACCESS_TOKEN_TTL_MINUTES; this one, made with the same key, for 60 s: a
    # restart takes up to half of that on a busy machine).
    user_id = str(jwt.get_unverified_claims(old_token)["sub"])
    old_signer = TokenSigner(
        private_pem=old_pem, kid=old_kid, issuer="shop-identity", audience="shop", service=IDENTITY
    )
    short_lived = old_signer.issue(
        subject=user_id, role="admin", ttl=timedelta(seconds=60), email=email
    )
    short_expires = time.time() + 60

    # --- rotation: the new key signs, the old one is still published as the previous key.
    identity.stop()
    (identity_keys / f"{IDENTITY}.previous.pub").write_bytes(
        published_keys(identity_keys, IDENTITY)[old_kid]
    )
    (identity_keys / f"{IDENTITY}.pub").unlink()
    write_operator_key(identity_keys, IDENTITY)  # replaces identity-commerce.key
    identity = live_processes.start("identity-new-key", start, identity_env, port=identity_port)

    published = httpx.get(f"{identity.url}/.well-known/jwks.json").json()["keys"]
    new_kid = key_id(IDENTITY, (identity_keys / f"{IDENTITY}.key").read_bytes())
    assert [k["kid"] for k in published] == [new_kid, old_kid]

    # Tokens signed before the rotation still work...
    assert new_category(old_token) == 201
    assert new_category(short_lived) == 201
    # ...and new tokens carry the new kid, which catalog fetches once, on first sight.
    time.sleep(max(0.0, REFRESH_MIN_SECONDS - (time.monotonic() - first_fetch)))
    new_token = sign_in()
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid != old_kid
    fetches_before = jwks_requests(identity)
    assert new_category(new_token) == 201
    fetched_new_kid = time.monotonic()
    assert jwks_requests(identity) == fetches_before + 1
    # After that fetch the old key is still trusted (it is still published).
    assert new_category(old_token) == 201

    # Tokens with made-up kids of identity-commerce: refused, and they cost identity-commerce
    # at most one JWKS request per JWKS_REFRESH_MIN_SECONDS (none within the first one).
    for _ in range(25):
        old_signer.kid = f"{IDENTITY}-{uuid.uuid4().hex[:16]}"
        forged = old_signer.issue(subject=user_id, role="admin", ttl=timedelta(minutes=5))
        assert new_category(forged) == 401
    intervals = int((time.monotonic() - fetched_new_kid) // REFRESH_MIN_SECONDS)
    assert jwks_requests(identity) - (fetches_before + 1) <= intervals

    # The old key's short-lived token ends when it expires, like any other.
    time.sleep(max(0.0, short_expires - time.time() + 1))
    assert new_category(short_lived) == 401
    assert new_category(old_token) == 201  # the 15-minute one has not expired yet
