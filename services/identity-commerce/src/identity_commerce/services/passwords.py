"""Password hashing through the passlib API (libpass): argon2id for new hashes, bcrypt hashes
from older systems still verify and are replaced by argon2id at the next successful login.

Hashing is CPU-bound on purpose (~250 ms of CPU at the default cost), so it must not decide
how fast everything else runs:

- it runs in its own pool of at most one thread per usable core (PASSWORD_HASH_WORKERS),
  never on the event loop and never in the default thread pool other code shares; a burst of
  logins queues behind the pool instead of multiplying;
- the pool's threads run at a lower CPU priority (nice +10, inherited by argon2's own lane
  threads), so when logins and checkouts compete for the cores the scheduler serves the
  checkouts' event loops first: a login storm slows logins, not checkouts;
- at most PASSWORD_HASH_QUEUE_LIMIT requests wait; past that the answer is 503 with
  Retry-After at once, instead of holding connections for minutes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from passlib.context import CryptContext
from shopkit.errors import ServiceUnavailable

from identity_commerce.core.config import Argon2Cost, Settings, usable_cores

log = logging.getLogger("identity_commerce.passwords")

T = TypeVar("T")

# How much lower the hashing threads' CPU priority is (Linux nice values are per thread).
HASHING_NICENESS = 10


def _lower_priority() -> None:
    """Thread initializer of the hashing pool."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        log.debug("could not lower the priority of a password hashing thread")


class HashingBusy(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("Too many sign-ins at once; try again in a moment", retry_after=1)


_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
_BCRYPT_MAX_BYTES = 72


@dataclass(frozen=True)
class Verification:
    ok: bool
    new_hash: str | None = None  # set when the stored hash should be replaced (upgrade)


class PasswordHasher:
    def __init__(self, cost: Argon2Cost, *, workers: int = 0, queue_limit: int = 64) -> None:
        self.workers = workers or usable_cores()
        self.queue_limit = queue_limit
        self._pool = ThreadPoolExecutor(
            max_workers=self.workers,
            thread_name_prefix="password-hash",
            initializer=_lower_priority,
        )
        self._in_flight = 0  # running or waiting, touched on the event loop thread only
        self._context = CryptContext(
            schemes=["argon2", "bcrypt"],
            deprecated=["bcrypt"],
            argon2__type="ID",
            argon2__time_cost=cost.time_cost,
            argon2__memory_cost=cost.memory_cost_kib,
            argon2__parallelism=cost.parallelism,
        )
        # Verified against when the email is unknown, so that answer costs as much time as
        # a wrong password for a real account (no account enumeration by timing).
        self._dummy_hash = self._context.hash(secrets.token_urlsafe(24))

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        return cls(
            settings.argon2_cost(),
            workers=settings.password_hash_concurrency(),
            queue_limit=settings.password_hash_queue_limit,
        )

    def hash(self, password: str) -> str:
        return self._context.hash(password)

    def verify(self, password: str, stored_hash: str) -> Verification:
        if stored_hash.startswith(_BCRYPT_PREFIXES) and len(password.encode()) > _BCRYPT_MAX_BYTES:
            return self._verify_long_bcrypt(password, stored_hash)
        try:
            ok, new_hash = self._context.verify_and_update(password, stored_hash)
        except (ValueError, TypeError):
            # An unrecognised or corrupt stored hash never lets anyone in.
            return Verification(ok=False)
        return Verification(ok=ok, new_hash=new_hash if ok else None)

    def _verify_long_bcrypt(self, password: str, stored_hash: str) -> Verification:
        """bcrypt only ever used a password's first 72 bytes, and the systems that made these
        hashes cut longer ones silently; bcrypt 5 refuses them instead. Check the same 72
        bytes, then hash the *whole* password with argon2id."""
        try:
            ok = self._context.verify(password.encode()[:_BCRYPT_MAX_BYTES], stored_hash)
        except (ValueError, TypeError):
            return Verification(ok=False)
        return Verification(ok=ok, new_hash=self.hash(password) if ok else None)

    def verify_dummy(self, password: str) -> Verification:
        self._context.verify(password, self._dummy_hash)
        return Verification(ok=False)

    async def _in_pool(self, work: Callable[..., T], *args: str) -> T:
        if self._in_flight >= self.workers + self.queue_limit:
            raise HashingBusy()
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)
        finally:
            self._in_flight -= 1

    async def hash_async(self, password: str) -> str:
        return await self._in_pool(self.hash, password)

    async def verify_async(self, password: str, stored_hash: str | None) -> Verification:
        if stored_hash is None:
            return await self._in_pool(self.verify_dummy, password)
        return await self._in_pool(self.verify, password, stored_hash)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
