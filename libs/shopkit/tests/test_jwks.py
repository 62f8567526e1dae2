"""JwksKeys against a real HTTP publisher: cached keys, a fetch on an unknown kid, at most
one fetch per interval however many made-up kids arrive, and no key that passes for another
service's."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from shopkit.jwks import JwksKeys
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import (
    IDENTITY_KEY_ID,
    TokenError,
    TokenSigner,
    TokenVerifier,
    ensure_dev_key,
    jwks_document,
    published_keys,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .serving import serving


@dataclass
class Publisher:
    """Serves `document` at /.well-known/jwks.json and counts the requests."""

    document: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    down: bool = False
    requests: int = 0
    url: str = ""

    async def jwks(self, request: Request) -> JSONResponse:
        self.requests += 1
        if self.down:
            return JSONResponse({"detail": "unavailable"}, status_code=503)
        return JSONResponse(self.document)


@contextmanager
def publishing(publisher: Publisher) -> Iterator[Publisher]:
    with serving(Starlette(routes=[Route("/.well-known/jwks.json", publisher.jwks)])) as url:
        publisher.url = f"{url}/.well-known/jwks.json"
        yield publisher


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def identity_signer(keys_dir: Path, tokens: TokenFactory) -> TokenSigner:
    return TokenSigner.from_keys_dir(
        keys_dir, IDENTITY_KEY_ID, issuer=tokens.issuer, audience=tokens.audience, generate=True
    )


def verifier_for(publisher: Publisher, tokens: TokenFactory, clock: Clock) -> TokenVerifier:
    keys = JwksKeys(
        {IDENTITY_KEY_ID: publisher.url},
        cache_seconds=300,
        min_refresh_seconds=10,
        clock=clock,
    )
    return TokenVerifier(keys=keys, issuer=tokens.issuer, audience=tokens.audience)


def with_kid(signer: TokenSigner, kid: str) -> str:
    """A token signed by `signer`'s key that names another kid in its header."""
    original = signer.kid
    signer.kid = kid
    try:
        return customer_token(signer)
    finally:
        signer.kid = original


def customer_token(signer: TokenSigner, ttl: timedelta = timedelta(minutes=5)) -> str:
    return signer.issue(subject=str(uuid.uuid4()), role="customer", ttl=ttl)


@pytest.fixture
def identity(tmp_path: Path, tokens: TokenFactory) -> TokenSigner:
    return identity_signer(tmp_path / "identity", tokens)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def publisher(identity: TokenSigner, tmp_path: Path) -> Iterator[Publisher]:
    """identity-commerce's JWKS endpoint, listing the `identity` key."""
    document = jwks_document(published_keys(tmp_path / "identity", IDENTITY_KEY_ID))
    with publishing(Publisher(document)) as publisher:
        yield publisher


@pytest.fixture
async def verifier(
    publisher: Publisher, tokens: TokenFactory, clock: Clock
) -> AsyncIterator[TokenVerifier]:
    """A verifier that takes identity-commerce's keys from `publisher`, on `clock`."""
    verifier = verifier_for(publisher, tokens, clock)
    yield verifier
    await verifier.keys.aclose()  # type: ignore[attr-defined]


async def test_a_token_is_verified_with_the_fetched_key_which_is_then_cached(
    identity: TokenSigner, publisher: Publisher, verifier: TokenVerifier, clock: Clock
) -> None:
    token = customer_token(identity)
    for _ in range(5):
        assert (await verifier.verify_async(token)).role == "customer"
    assert publisher.requests == 1
    clock.now += 301  # the cache is old: fetched again once
    await verifier.verify_async(token)
    await verifier.verify_async(token)
    assert publisher.requests == 2


async def test_unknown_kids_cause_one_fetch_per_interval_however_many_arrive(
    identity: TokenSigner, publisher: Publisher, verifier: TokenVerifier, clock: Clock
) -> None:
    """An attacker sending tokens with made-up kids makes the verifier ask identity-commerce
    once per JWKS_REFRESH_MIN_SECONDS, not once per token; kids of no trusted service are
    never looked up at all."""
    made_up = [with_kid(identity, f"identity-commerce-{uuid.uuid4().hex[:16]}") for _ in range(40)]
    results = await asyncio.gather(
        *(verifier.verify_async(token) for token in made_up), return_exceptions=True
    )
    assert all(isinstance(r, TokenError) for r in results)
    assert publisher.requests == 1  # 40 tokens at once: one fetch
    for token in made_up[:10]:  # and one after another within the interval: none more
        with pytest.raises(TokenError, match="unknown key"):
            await verifier.verify_async(token)
    assert publisher.requests == 1
    for kid in ("someone-else-0123456789abcdef", "identity-commerce", "x" * 300):
        with pytest.raises(TokenError):
            await verifier.verify_async(with_kid(identity, kid))
    assert publisher.requests == 1
    clock.now += 10  # the interval is over: the next unknown kid may fetch once more
    with pytest.raises(TokenError):
        await verifier.verify_async(made_up[0])
    assert publisher.requests == 2
    # The real key still works throughout (it was fetched with the first request).
    real = customer_token(identity, ttl=timedelta(minutes=1))
    assert (await verifier.verify_async(real)).role == "customer"
    assert publisher.requests == 2


async def test_a_publisher_cannot_pass_its_key_off_as_another_services(
    identity: TokenSigner, tmp_path: Path
) -> None:
    """What identity-commerce's JWKS lists is taken only under a kid that names it and
    matches the key: a key listed under another service's kid, or under a kid of another
    key, is skipped."""
    ensure_dev_key(tmp_path / "intruder", "catalog-fulfillment")
    intruder_keys = published_keys(tmp_path / "intruder", "catalog-fulfillment")
    [(intruder_kid, intruder_pem)] = intruder_keys.items()
    real = published_keys(tmp_path / "identity", IDENTITY_KEY_ID)
    # The intruder's key under the real identity kid, and under its own (catalog) kid.
    document = {
        "keys": jwks_document({identity.kid: intruder_pem})["keys"]
        + jwks_document({intruder_kid: intruder_pem})["keys"]
    }
    with publishing(Publisher(document)) as publisher:
        keys = JwksKeys({IDENTITY_KEY_ID: publisher.url}, min_refresh_seconds=0)
        await keys.prepare(identity.kid)
        assert keys.find(identity.kid) is None
        assert keys.find(intruder_kid) is None
        publisher.document = jwks_document(real)
        await keys.prepare(identity.kid)
        found = keys.find(identity.kid)
        assert found is not None and found.service == IDENTITY_KEY_ID
        await keys.aclose()


async def test_keys_already_known_survive_a_publisher_outage(
    identity: TokenSigner, publisher: Publisher, verifier: TokenVerifier, clock: Clock
) -> None:
    token = customer_token(identity)
    await verifier.verify_async(token)
    publisher.down = True
    clock.now += 400  # cache old, fetch fails: the known key is kept
    assert (await verifier.verify_async(token)).role == "customer"
    assert publisher.requests == 2
