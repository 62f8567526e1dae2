"""Password hashing through the passlib API (libpass): argon2id for new hashes, bcrypt hashes
from older systems still verify and are replaced by argon2id at the next successful login.

Hashing is CPU-bound on purpose, so the async helpers run it in a worker thread instead of
stalling the event loop for every other request.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from passlib.context import CryptContext

from identity_commerce.core.config import Argon2Cost, Settings

_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
_BCRYPT_MAX_BYTES = 72


@dataclass(frozen=True)
class Verification:
    ok: bool
    new_hash: str | None = None  # set when the stored hash should be replaced (upgrade)


class PasswordHasher:
    def __init__(self, cost: Argon2Cost) -> None:
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
        return cls(settings.argon2_cost())

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

    async def hash_async(self, password: str) -> str:
        return await asyncio.to_thread(self.hash, password)

    async def verify_async(self, password: str, stored_hash: str | None) -> Verification:
        if stored_hash is None:
            return await asyncio.to_thread(self.verify_dummy, password)
        return await asyncio.to_thread(self.verify, password, stored_hash)
