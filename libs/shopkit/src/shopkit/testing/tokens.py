"""Tokens for tests: good ones for each role and every kind of bad one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shopkit.auth import AccountStatus
from shopkit.scopes import GRANTS
from shopkit.tokens import IDENTITY_KEY_ID, SHOP_SERVICES, TokenSigner, ensure_dev_key


def write_operator_key(folder: Path, name: str) -> Path:
    """`<folder>/<name>.key` made the way an operator makes one (openssl, as
    deploy/k8s/create-signing-keys.sh does): not by the dev generator, so no dev key register
    lists it and production settings accept it."""
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / f"{name}.key"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _b64(data: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class TokenFactory:
    """Signs test tokens with the shop's three service keys (kept in `keys_dir`).

    Every user token it mints is also recorded in `accounts` as an active account with that
    role, so a stand-in for identity-commerce's account directory (shopkit.testing.accounts)
    answers for it as identity-commerce would for a real account."""

    __test__ = False

    def __init__(self, keys_dir: Path, *, issuer: str, audience: str) -> None:
        self.keys_dir = keys_dir
        self.issuer = issuer
        self.audience = audience
        for name in SHOP_SERVICES:
            ensure_dev_key(keys_dir, name)
        self._signers: dict[tuple[str, str], TokenSigner] = {}
        self.identity = self.signer(IDENTITY_KEY_ID)
        self.accounts: dict[uuid.UUID, AccountStatus] = {}

    def signer(self, name: str, *, audience: str | None = None) -> TokenSigner:
        """One signer per key and audience (a key is parsed once, as in the services)."""
        key = (name, audience or self.audience)
        if key not in self._signers:
            self._signers[key] = TokenSigner.from_keys_dir(
                self.keys_dir, name, issuer=self.issuer, audience=key[1], generate=False
            )
        return self._signers[key]

    def user(
        self,
        role: str = "customer",
        *,
        user_id: uuid.UUID | None = None,
        email: str | None = None,
        ttl: timedelta = timedelta(minutes=15),
        token_version: int | None = None,
        email_verified: bool = True,
        permissions: Iterable[str] | None = None,
    ) -> str:
        uid = user_id or uuid.uuid4()
        extra: dict[str, Any] = {} if token_version is None else {"ver": token_version}
        if permissions is not None:  # a staff token's `perms` claim
            extra["perms"] = " ".join(sorted(permissions))
        self.accounts.setdefault(
            uid,
            AccountStatus(
                active=True,
                role=role,
                token_version=token_version or 0,
                email_verified=email_verified,
            ),
        )
        return self.identity.issue(
            subject=str(uid),
            role=role,  # type: ignore[arg-type]  # tests may pass any role on purpose
            ttl=ttl,
            email=email or f"{uid.hex[:8]}@example.com",
            extra=extra,
        )

    def customer(self, user_id: uuid.UUID | None = None, email: str | None = None) -> str:
        return self.user("customer", user_id=user_id, email=email)

    def admin(self, user_id: uuid.UUID | None = None) -> str:
        return self.user("admin", user_id=user_id)

    def staff(self, *permissions: str, user_id: uuid.UUID | None = None) -> str:
        """A staff token holding exactly `permissions`."""
        return self.user("staff", user_id=user_id, permissions=permissions)

    def service(self, name: str = IDENTITY_KEY_ID, *, scopes: Iterable[str] | None = None) -> str:
        """A service token signed with `name`'s key; by default with every scope that
        service may hold (shopkit.scopes.GRANTS), or exactly `scopes` (even ungranted ones,
        to prove receivers drop them)."""
        wanted = GRANTS.get(name, frozenset()) if scopes is None else frozenset(scopes)
        return self.signer(name).service_token(scopes=wanted)

    # --- tokens that must be refused -------------------------------------------------
    def expired(self) -> str:
        return self.user(ttl=timedelta(seconds=-60))

    def wrong_key(self, tmp_dir: Path) -> str:
        """Signed with another key that claims identity-commerce's kid."""
        ensure_dev_key(tmp_dir, IDENTITY_KEY_ID)
        signer = TokenSigner(
            private_pem=(tmp_dir / f"{IDENTITY_KEY_ID}.key").read_bytes(),
            kid=self.identity.kid,  # the real key's kid, a different key
            issuer=self.issuer,
            audience=self.audience,
            service=IDENTITY_KEY_ID,
        )
        return signer.issue(subject=str(uuid.uuid4()), role="admin", ttl=timedelta(minutes=5))

    def wrong_audience(self) -> str:
        return self.signer(IDENTITY_KEY_ID, audience="someone-else").issue(
            subject=str(uuid.uuid4()), role="customer", ttl=timedelta(minutes=5)
        )

    def _forged_claims(self, role: str) -> dict[str, Any]:
        """Claims a real token of `role` would carry (right issuer and audience, valid for
        decades), for the tokens forged without the signing key."""
        return {
            "sub": str(uuid.uuid4()),
            "role": role,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": 1_700_000_000,
            "exp": 4_000_000_000,
            "typ": "access",
        }

    def alg_none(self, role: str = "admin") -> str:
        header = {"alg": "none", "typ": "JWT", "kid": self.identity.kid}
        claims = self._forged_claims(role)
        return f"{_b64(header)}.{_b64(claims)}."

    def hs256_with_public_key(self, role: str = "admin") -> str:
        """Algorithm confusion: HMAC-signed with the RSA public key as the secret."""
        public = (self.keys_dir / f"{IDENTITY_KEY_ID}.pub").read_text()
        claims = self._forged_claims(role)
        header = {"alg": "HS256", "typ": "JWT", "kid": self.identity.kid}
        signing_input = f"{_b64(header)}.{_b64(claims)}"
        sig = hmac.new(public.encode(), signing_input.encode(), hashlib.sha256).digest()
        return signing_input + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()

    def bad_tokens(self, tmp_dir: Path) -> dict[str, str]:
        return {
            "expired": self.expired(),
            "wrong_key": self.wrong_key(tmp_dir),
            "wrong_audience": self.wrong_audience(),
            "alg_none": self.alg_none(),
            "hs256_public_key": self.hs256_with_public_key(),
            "garbage": "not-a-token",
        }
