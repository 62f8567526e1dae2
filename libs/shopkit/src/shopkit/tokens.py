"""RS256 tokens: key files, issuing, verification, JWKS and service tokens.

Every service owns one RSA key pair named after it (`<keys_dir>/<service>.key|.pub`).
identity-commerce's key signs user tokens; each service's key signs its own short-lived
service tokens. Verifiers load only public keys and pick one by `kid`, and a user role is
accepted only from the identity key, so no other service can mint a customer or admin token.
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt
from jose.exceptions import JOSEError

IDENTITY_KEY_ID = "identity-commerce"
ALGORITHM = "RS256"
Role = Literal["customer", "admin", "service"]
USER_ROLES = ("customer", "admin")


class TokenError(Exception):
    """The token is missing, malformed, expired or not signed by a trusted key."""


def ensure_dev_key(keys_dir: Path, name: str) -> None:
    """Generate `<name>.key` / `<name>.pub` once; the folder is git-ignored."""
    private_path = keys_dir / f"{name}.key"
    if private_path.exists():
        return
    keys_dir.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pub = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tmp = private_path.with_suffix(".key.tmp")
    tmp.write_bytes(pem)
    os.chmod(tmp, 0o600)
    (keys_dir / f"{name}.pub").write_bytes(pub)
    tmp.replace(private_path)  # atomic: a concurrent starter never reads half a key


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public_pem: bytes, kid: str) -> dict[str, str]:
    key = serialization.load_pem_public_key(public_pem)
    assert isinstance(key, rsa.RSAPublicKey)
    numbers = key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": ALGORITHM,
        "kid": kid,
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
    }


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (customer/admin) or another service."""

    subject: str
    role: Role
    email: str | None = None
    token_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_service(self) -> bool:
        return self.role == "service"

    @property
    def user_id(self) -> uuid.UUID:
        return uuid.UUID(self.subject)


class TokenSigner:
    """Holds one private key; issues user tokens (identity only) and service tokens."""

    def __init__(self, *, private_pem: bytes, kid: str, issuer: str, audience: str) -> None:
        self._private_pem = private_pem
        self.kid = kid
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_keys_dir(
        cls, keys_dir: Path, name: str, *, issuer: str, audience: str, generate: bool
    ) -> TokenSigner:
        if generate:
            ensure_dev_key(keys_dir, name)
        return cls(
            private_pem=(keys_dir / f"{name}.key").read_bytes(),
            kid=name,
            issuer=issuer,
            audience=audience,
        )

    def issue(
        self,
        *,
        subject: str,
        role: Role,
        ttl: timedelta,
        email: str | None = None,
        token_type: str = "access",  # noqa: S107 - a claim value, not a secret
        extra: dict[str, Any] | None = None,
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": subject,
            "role": role,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": token_type,
        }
        if email is not None:
            claims["email"] = email
        if extra:
            claims.update(extra)
        return jwt.encode(claims, self._private_pem.decode(), ALGORITHM, headers={"kid": self.kid})

    def service_token(self, ttl_seconds: int = 300) -> str:
        return self.issue(
            subject=f"service:{self.kid}",
            role="service",
            ttl=timedelta(seconds=ttl_seconds),
            token_type="service",
        )


class TokenVerifier:
    """Verifies RS256 tokens against a set of public keys chosen by `kid`."""

    def __init__(self, *, public_keys: dict[str, bytes], issuer: str, audience: str) -> None:
        self._keys = {kid: pem.decode() for kid, pem in public_keys.items()}
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_keys_dir(cls, keys_dir: Path, *, issuer: str, audience: str) -> TokenVerifier:
        keys = {p.stem: p.read_bytes() for p in sorted(keys_dir.glob("*.pub"))}
        return cls(public_keys=keys, issuer=issuer, audience=audience)

    def reload(self, keys_dir: Path) -> None:
        """Pick up keys of services that started after this one."""
        for p in keys_dir.glob("*.pub"):
            self._keys.setdefault(p.stem, p.read_bytes().decode())

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except JOSEError as exc:
            raise TokenError("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise TokenError("unsupported token algorithm")
        kid = header.get("kid")
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenError("token signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require_exp": True, "require_iat": True, "require_sub": True},
            )
        except JOSEError as exc:
            raise TokenError(str(exc) or "invalid token") from exc
        role = claims.get("role")
        if role not in (*USER_ROLES, "service"):
            raise TokenError("token has no valid role")
        if role in USER_ROLES and kid != IDENTITY_KEY_ID:
            raise TokenError("user tokens are issued by identity-commerce only")
        if role == "service" and claims.get("typ") != "service":
            raise TokenError("service role needs a service token")
        if role in USER_ROLES and claims.get("typ") != "access":
            raise TokenError("not an access token")
        return Principal(
            subject=str(claims["sub"]),
            role=role,
            email=claims.get("email"),
            token_id=claims.get("jti"),
        )

    def jwks(self, only: tuple[str, ...] | None = None) -> dict[str, list[dict[str, str]]]:
        kids = only or tuple(self._keys)
        return {"keys": [public_jwk(self._keys[k].encode(), k) for k in kids if k in self._keys]}
