"""Public keys over HTTP: each service publishes its JWKS, verifiers fetch the ones they trust.

`JwksKeys` is the verifier's key source when `TRUSTED_KEYS_SOURCE=jwks` (the default). Rules:

- A kid names its service (`<service>-<16 hex digits>`, shopkit.tokens.key_id). Only kids of
  trusted services are ever looked up, and a key is taken from a service's JWKS only when its
  kid names that service and matches the key's own fingerprint: catalog-fulfillment cannot
  publish a key that passes for identity-commerce's.
- Keys are cached per service for `JWKS_CACHE_SECONDS`; a kid that is not in the cache (a
  key just rotated in) or a cache past that age makes one fetch. Fetches of one service are
  at least `JWKS_REFRESH_MIN_SECONDS` apart whatever the tokens say, and one at a time, so a
  flood of tokens with made-up kids costs identity-commerce one request per interval.
- A failed fetch keeps the keys already known (a short outage of the publisher does not
  log everybody out); they go when a later fetch no longer lists them.
- The service's own keys come from its keys folder, never over HTTP.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import httpx
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from shopkit.settings import ServiceSettings
from shopkit.tokens import (
    SHOP_SERVICES,
    KeySource,
    PublicKeyFiles,
    StaticKeys,
    TrustedKey,
    jwks_document,
    key_id,
    pem_from_jwk,
    published_keys,
    service_of,
)

log = logging.getLogger("shopkit.jwks")

JWKS_PATH = "/.well-known/jwks.json"
MAX_KEYS_PER_SERVICE = 20  # a JWKS longer than this is cut: rotation needs two or three


@dataclass
class _ServiceKeys:
    keys: dict[str, TrustedKey] = field(default_factory=dict)
    fetched_at: float | None = None
    attempted_at: float | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class JwksKeys:
    """Trusted services' keys from their JWKS (`{service: url}`), cached; `local` holds the
    keys this process may use without asking anyone (its own)."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        local: KeySource | None = None,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
        timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.urls = dict(urls)
        self.local = local
        self.cache_seconds = cache_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self.clock = clock
        self.fetches = 0  # requests sent, for operators' logs and tests
        self._services = {service: _ServiceKeys() for service in self.urls}
        self._client = httpx.AsyncClient(timeout=timeout_seconds)

    def find(self, kid: str) -> TrustedKey | None:
        if self.local is not None and (found := self.local.find(kid)) is not None:
            return found
        service = service_of(kid, self.urls)
        return self._services[service].keys.get(kid) if service is not None else None

    def kids(self) -> Sequence[str]:
        local = tuple(self.local.kids()) if self.local is not None else ()
        return local + tuple(kid for state in self._services.values() for kid in state.keys)

    async def prepare(self, kid: str) -> None:
        """Fetch the JWKS of the kid's service when the kid is unknown or the cache is old,
        unless a fetch of that service was tried less than the minimum interval ago."""
        if self.local is not None and self.local.find(kid) is not None:
            return
        service = service_of(kid, self.urls)
        if service is None:
            return  # no trusted service's kid: nothing to fetch, the token is refused
        state = self._services[service]
        if self._usable(state, kid):
            return
        async with state.lock:
            if self._usable(state, kid):  # another request fetched it meanwhile
                return
            now = self.clock()
            if state.attempted_at is not None and now - state.attempted_at < (
                self.min_refresh_seconds
            ):
                return
            state.attempted_at = now
            try:
                state.keys = await self._fetch(service)
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("JWKS of %s not fetched (keys kept): %s", service, exc)
                return
            state.fetched_at = self.clock()

    def _usable(self, state: _ServiceKeys, kid: str) -> bool:
        fresh = state.fetched_at is not None and (
            self.clock() - state.fetched_at < self.cache_seconds
        )
        return fresh and kid in state.keys

    async def _fetch(self, service: str) -> dict[str, TrustedKey]:
        self.fetches += 1
        response = await self._client.get(self.urls[service])
        response.raise_for_status()
        document = response.json()
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise ValueError("not a JWKS document")
        keys: dict[str, TrustedKey] = {}
        for entry in entries[:MAX_KEYS_PER_SERVICE]:
            kid = entry.get("kid") if isinstance(entry, dict) else None
            try:
                if not isinstance(kid, str) or service_of(kid, (service,)) != service:
                    raise ValueError("its kid does not name the service")
                pem = pem_from_jwk(entry)
                if key_id(service, pem) != kid:
                    raise ValueError("its kid does not match the key")
            except ValueError as exc:
                log.warning("JWKS of %s: key %r skipped: %s", service, kid, exc)
                continue
            keys[kid] = TrustedKey.from_pem(kid, service, pem)
        log.info("JWKS of %s fetched: %s key(s)", service, len(keys))
        return keys

    async def aclose(self) -> None:
        await self._client.aclose()


def service_urls(settings: ServiceSettings) -> dict[str, str]:
    return {
        "identity-commerce": settings.identity_url,
        "catalog-fulfillment": settings.catalog_url,
        "notifications": settings.notifications_url,
    }


def trusted_key_source(settings: ServiceSettings) -> KeySource:
    """The verifier's keys: the trusted services' JWKS over HTTP (own keys from the keys
    folder), or with `TRUSTED_KEYS_SOURCE=files` their `.pub` files in PUBLIC_KEYS_DIR."""
    trusted: Iterable[str] = settings.trusted_signers
    if settings.keys_source == "files":
        return PublicKeyFiles(settings.public_keys_path, trusted)
    own = settings.service_name
    local = StaticKeys(published_keys(settings.keys_dir, own), (own,)) if own in trusted else None
    urls = service_urls(settings)
    return JwksKeys(
        {s: urls[s].rstrip("/") + JWKS_PATH for s in trusted if s != own and s in SHOP_SERVICES},
        local=local,
        cache_seconds=settings.jwks_cache_seconds,
        min_refresh_seconds=settings.jwks_refresh_min_seconds,
        timeout_seconds=settings.http_timeout_seconds,
    )


class JsonWebKeySet(BaseModel):
    keys: list[dict[str, str]]


def jwks_router(settings: ServiceSettings) -> APIRouter:
    """`GET /.well-known/jwks.json`: the public keys that verify this service's tokens (its
    current key and any `<service>.*.pub` in its keys folder), read once at start. Public:
    public keys are no secret."""
    router = APIRouter(tags=["health"])
    document = jwks_document(published_keys(settings.keys_dir, settings.service_name))

    @router.get(
        JWKS_PATH,
        response_model=JsonWebKeySet,
        summary="The public keys that verify this service's tokens (RS256, versioned kids)",
    )
    async def jwks(request: Request, response: Response) -> dict[str, list[dict[str, str]]]:
        response.headers["Cache-Control"] = "public, max-age=60"
        return document

    return router
