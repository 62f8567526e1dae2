"""RS256 tokens: key files, issuing, verification, JWKS and service tokens.

Every service owns an RSA key pair: the private key `<service>.key` in its own keys folder
signs; identity-commerce's signs user tokens, each service's its own short-lived service
tokens, which name the scopes the caller asks for (shopkit.scopes caps them per service).

Key ids are versioned: `<service>-<first 16 hex digits of the public key's SHA-256>`, derived
from the key itself, so every replica holding a key names it alike and a new key always gets
a new kid. A service publishes its keys at `/.well-known/jwks.json`: the current one and any
`<service>.*.pub` beside it in its keys folder (`<service>.previous.pub` during a rotation,
`<service>.next.pub` before one), so tokens signed with the previous key stay valid until
they expire (docs/operations.md, key rotation).

A verifier trusts only the keys of the services it is configured to trust
(`TRUSTED_SIGNERS`), picks one by `kid`, and accepts a user role only from identity-commerce's
keys, so no other service can mint a customer or admin token. Where keys come from is a
`KeySource`: public key files in a folder (`PublicKeyFiles`), or each trusted service's JWKS
over HTTP (`JwksKeys`: cached, fetched again on an unknown kid at most once per interval).
Keys are parsed once per process: parsing a PEM costs ~50 ms of CPU, signing with a parsed
key under 1 ms.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key
from jose.exceptions import JOSEError

from shopkit.scopes import format_scopes, granted, parse_scopes

IDENTITY_KEY_ID = "identity-commerce"
SHOP_SERVICES = ("identity-commerce", "catalog-fulfillment", "notifications")
ALGORITHM = "RS256"
Role = Literal["customer", "staff", "admin", "service"]
USER_ROLES = ("customer", "staff", "admin")
# The back-office permissions a staff token may carry in its `perms` claim (an admin holds
# them all without listing them). docs/permissions.md says which route needs which.
PERMISSIONS = ("orders", "catalog", "customers", "reports")


# Every key the dev generator makes is listed by fingerprint in this file, in each folder it
# writes to, so production recognises a dev key by its content wherever it was copied on the
# machine (shopkit.settings), not by the folder it sits in.
DEV_KEY_REGISTER = "dev-keys.sha256"


class TokenError(Exception):
    """The token is missing, malformed, expired or not signed by a trusted key."""


def key_fingerprint(pem: bytes) -> str:
    """SHA-256 of the public key (DER SubjectPublicKeyInfo), hex; a private PEM gives its
    public half's fingerprint, so a key and its .pub agree."""
    try:
        loaded: Any = serialization.load_pem_private_key(pem, password=None)
        public = loaded.public_key()
    except (ValueError, TypeError):
        public = serialization.load_pem_public_key(pem)
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def registered_dev_fingerprints(folder: Path) -> set[str]:
    """Fingerprints listed in `folder`'s dev key register (empty when there is none)."""
    try:
        lines = (folder / DEV_KEY_REGISTER).read_text().splitlines()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return set()
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


def _register_dev_key(folder: Path, fingerprint: str, name: str) -> None:
    if fingerprint in registered_dev_fingerprints(folder):
        return
    with (folder / DEV_KEY_REGISTER).open("a") as register:
        register.write(f"{fingerprint}  {name}\n")


def ensure_dev_key(keys_dir: Path, name: str, public_dir: Path | None = None) -> None:
    """Generate `<name>.key` in `keys_dir` once, and publish `<name>.pub` in `public_dir`
    (default: the same folder). Both folders are git-ignored dev folders; the key's
    fingerprint goes into each folder's dev key register."""
    public_dir = public_dir or keys_dir
    private_path = keys_dir / f"{name}.key"
    public_path = public_dir / f"{name}.pub"
    if private_path.exists():
        if not public_path.exists():  # e.g. a fresh shared public folder
            _write_atomically(public_path, _public_pem(private_path.read_bytes()))
        return
    keys_dir.mkdir(parents=True, exist_ok=True)
    public_dir.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomically(public_path, _public_pem(pem))
    fingerprint = key_fingerprint(pem)
    for folder in dict.fromkeys((keys_dir, public_dir)):
        _register_dev_key(folder, fingerprint, name)
    # Last and atomic: a concurrent starter that sees the private key sees a whole one.
    _write_atomically(private_path, pem, mode=0o600)


def _public_pem(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write_atomically(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, mode)
    tmp.replace(path)


KID_DIGITS = 16  # hex digits of the fingerprint in a kid: 64 bits, no collisions in practice


def key_id(service: str, pem: bytes) -> str:
    """The kid of a key (private or public PEM): `<service>-<16 hex digits>`."""
    return f"{service}-{key_fingerprint(pem)[:KID_DIGITS]}"


def service_of(kid: str, services: Iterable[str]) -> str | None:
    """Which of `services` a kid names (`catalog-fulfillment-0123456789abcdef`), or None."""
    for service in services:
        tail = kid.removeprefix(f"{service}-")
        if tail != kid and len(tail) == KID_DIGITS and all(c in "0123456789abcdef" for c in tail):
            return service
    return None


def published_keys(keys_dir: Path, service: str) -> dict[str, bytes]:
    """`{kid: public PEM}` a service publishes: its current key (`<service>.key`) first,
    then `<service>.pub` and every `<service>.*.pub` in its keys folder (a previous key still
    verifying the tokens it signed, or the next one announced before it signs)."""
    keys = {}
    private = keys_dir / f"{service}.key"
    if private.exists():
        pem = _public_pem(private.read_bytes())
        keys[key_id(service, pem)] = pem
    for path in sorted(keys_dir.glob(f"{service}.pub")) + sorted(keys_dir.glob(f"{service}.*.pub")):
        pem = path.read_bytes()
        keys.setdefault(key_id(service, pem), pem)
    return keys


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url_to_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def pem_from_jwk(jwk_dict: Mapping[str, Any]) -> bytes:
    """The public PEM of an RSA JWK (`n`, `e`); ValueError when it is not one."""
    if jwk_dict.get("kty") != "RSA" or jwk_dict.get("alg", ALGORITHM) != ALGORITHM:
        raise ValueError("not an RS256 key")
    if jwk_dict.get("use", "sig") != "sig":
        raise ValueError("not a signing key")
    n, e = jwk_dict.get("n"), jwk_dict.get("e")
    if not isinstance(n, str) or not isinstance(e, str):
        raise ValueError("n and e must be strings")
    numbers = rsa.RSAPublicNumbers(_b64url_to_int(e), _b64url_to_int(n))
    return numbers.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


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
    """Who is calling: a user (customer/admin) or another service.

    `scopes` are a service token's scopes that its signer may hold (empty for users);
    `token_version` is a user token's `ver` claim, which identity-commerce raises to revoke
    every older token of an account (password change, disabling, a change of role or
    permissions); `permissions` are a staff token's back-office permissions (`perms`)."""

    subject: str
    role: Role
    email: str | None = None
    token_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_version: int = 0
    signer: str | None = None  # the service whose key signed the token
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def has_permission(self, permission: str) -> bool:
        """An admin holds every permission; staff those its token lists; nobody else any."""
        if self.role == "admin":
            return True
        return self.role == "staff" and permission in self.permissions

    @property
    def is_service(self) -> bool:
        return self.role == "service"

    @property
    def is_user(self) -> bool:
        return self.role in USER_ROLES

    @property
    def user_id(self) -> uuid.UUID:
        return uuid.UUID(self.subject)


class TokenSigner:
    """Holds one private key, parsed once; issues user tokens (identity only) and service
    tokens, reusing a service token until shortly before it expires."""

    def __init__(
        self,
        *,
        private_pem: bytes,
        kid: str,
        issuer: str,
        audience: str,
        service: str | None = None,
    ) -> None:
        self._key: Key = jwk.construct(private_pem.decode(), ALGORITHM)
        self.kid = kid
        self.service = service or kid  # whose key: service tokens name it as their subject
        self.issuer = issuer
        self.audience = audience
        # (audience, scopes, ttl) -> (token, unix time after which a new one is minted)
        self._service_tokens: dict[tuple[str, frozenset[str], int], tuple[str, float]] = {}

    @classmethod
    def from_keys_dir(
        cls,
        keys_dir: Path,
        name: str,
        *,
        issuer: str,
        audience: str,
        generate: bool,
        public_dir: Path | None = None,
    ) -> TokenSigner:
        if generate:
            ensure_dev_key(keys_dir, name, public_dir)
        pem = (keys_dir / f"{name}.key").read_bytes()
        return cls(
            private_pem=pem,
            kid=key_id(name, pem),
            issuer=issuer,
            audience=audience,
            service=name,
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
        audience: str | None = None,
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": subject,
            "role": role,
            "iss": self.issuer,
            "aud": audience or self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": token_type,
        }
        if email is not None:
            claims["email"] = email
        if extra:
            claims.update(extra)
        return jwt.encode(claims, self._key, ALGORITHM, headers={"kid": self.kid})

    def service_token(
        self,
        ttl_seconds: int = 300,
        *,
        scopes: Iterable[str] = (),
        audience: str | None = None,
    ) -> str:
        """A service token for these scopes, minted again only when the cached one has less
        than a fifth of its life (at most a minute) left, so a receiver with a slightly fast
        clock still accepts it. Minting costs a signature (~1 ms of CPU) per call otherwise,
        and the HTTP clients ask for a token on every request."""
        wanted = frozenset(scopes)
        aud = audience or self.audience
        cache_key = (aud, wanted, ttl_seconds)
        cached = self._service_tokens.get(cache_key)
        now = time.time()
        if cached is not None and now < cached[1]:
            return cached[0]
        extra = {"scope": format_scopes(wanted)} if wanted else None
        token = self.issue(
            subject=f"service:{self.service}",
            role="service",
            ttl=timedelta(seconds=ttl_seconds),
            token_type="service",
            extra=extra,
            audience=aud,
        )
        margin = min(60.0, ttl_seconds / 5)
        self._service_tokens[cache_key] = (token, now + ttl_seconds - margin)
        return token


@dataclass(frozen=True)
class TrustedKey:
    """A public key this process trusts, parsed once, and the service it belongs to."""

    kid: str
    service: str
    key: Key
    public_pem: bytes

    @classmethod
    def from_pem(cls, kid: str, service: str, public_pem: bytes) -> TrustedKey:
        return cls(kid, service, jwk.construct(public_pem.decode(), ALGORITHM), public_pem)


class KeySource(Protocol):
    """Where a verifier finds the public key for a `kid` (None: not trusted). A source that
    fetches keys over the network also has `async prepare(kid)`, which the verifier awaits
    before `find` (see `JwksKeys`)."""

    def find(self, kid: str) -> TrustedKey | None: ...

    def kids(self) -> Sequence[str]: ...


class StaticKeys:
    """Keys handed over in memory: `{kid: public PEM}`; the kid names the service (a bare
    service name, or a versioned kid of one of `services`)."""

    def __init__(self, public_keys: Mapping[str, bytes], services: Iterable[str] = ()) -> None:
        services = tuple(services)
        self._keys = {
            kid: TrustedKey.from_pem(kid, service_of(kid, services) or kid, pem)
            for kid, pem in public_keys.items()
        }

    def find(self, kid: str) -> TrustedKey | None:
        return self._keys.get(kid)

    def kids(self) -> Sequence[str]:
        return tuple(self._keys)


class PublicKeyFiles:
    """`<folder>/<service>.pub` and `<service>.*.pub` (previous or next keys) for each trusted
    service, and nothing else in the folder.

    A kid of a trusted service that is not known yet (it started after this one, or its key
    was rotated) makes the folder be read again for that service, at most once a second, so
    a stream of made-up kids costs no more than that; a file of a service that is not listed
    is never read, however it got there.
    """

    def __init__(
        self, folder: Path, services: Iterable[str], *, reload_seconds: float = 1.0
    ) -> None:
        self.folder = folder
        self.services = tuple(dict.fromkeys(services))
        self.reload_seconds = reload_seconds
        self._keys: dict[str, TrustedKey] = {}
        self._reloaded_at: dict[str, float] = {}  # reads caused by an unknown kid
        for service in self.services:
            self._load(service)

    def _load(self, service: str) -> None:
        for kid, pem in published_keys(self.folder, service).items():
            if kid not in self._keys:
                self._keys[kid] = TrustedKey.from_pem(kid, service, pem)

    def find(self, kid: str) -> TrustedKey | None:
        found = self._keys.get(kid)
        if found is not None:
            return found
        service = service_of(kid, self.services)
        if service is None:
            return None
        last = self._reloaded_at.get(service)
        if last is None or time.monotonic() - last >= self.reload_seconds:
            self._reloaded_at[service] = time.monotonic()
            self._load(service)
        return self._keys.get(kid)

    def kids(self) -> Sequence[str]:
        return tuple(self._keys)


class TokenVerifier:
    """Verifies RS256 tokens against the keys of a `KeySource`, chosen by `kid`."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource | None = None,
        public_keys: Mapping[str, bytes] | None = None,
    ) -> None:
        if keys is None:
            keys = StaticKeys(public_keys or {})
        self.keys = keys
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_keys_dir(
        cls,
        keys_dir: Path,
        *,
        issuer: str,
        audience: str,
        trusted: Iterable[str] = SHOP_SERVICES,
    ) -> TokenVerifier:
        """Trust the public keys of the `trusted` services found in `keys_dir`."""
        return cls(keys=PublicKeyFiles(keys_dir, trusted), issuer=issuer, audience=audience)

    async def verify_async(self, token: str) -> Principal:
        """`verify`, after letting a key source that fetches keys (JWKS over HTTP) look for
        the token's kid; what the routes use."""
        prepare = getattr(self.keys, "prepare", None)
        if prepare is not None:
            kid = self._header(token).get("kid")
            if isinstance(kid, str):
                await prepare(kid)
        return self.verify(token)

    @staticmethod
    def _header(token: str) -> dict[str, Any]:
        try:
            header: dict[str, Any] = jwt.get_unverified_header(token)
        except JOSEError as exc:
            raise TokenError("malformed token") from exc
        return header

    def verify(self, token: str) -> Principal:
        header = self._header(token)
        if header.get("alg") != ALGORITHM:
            raise TokenError("unsupported token algorithm")
        kid = header.get("kid")
        trusted = self.keys.find(kid) if isinstance(kid, str) else None
        if trusted is None:
            raise TokenError("token signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                trusted.key,
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
        subject = str(claims["sub"])
        if role == "service":
            if claims.get("typ") != "service":
                raise TokenError("service role needs a service token")
            if subject != f"service:{trusted.service}":
                raise TokenError("a service token names the service that signed it")
            return Principal(
                subject=subject,
                role="service",
                token_id=claims.get("jti"),
                scopes=granted(trusted.service, parse_scopes(claims.get("scope"))),
                signer=trusted.service,
            )
        if trusted.service != IDENTITY_KEY_ID:
            raise TokenError("user tokens are issued by identity-commerce only")
        if claims.get("typ") != "access":
            raise TokenError("not an access token")
        version = claims.get("ver", 0)
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise TokenError("token version is not a whole number")
        return Principal(
            subject=subject,
            role=role,
            email=claims.get("email"),
            token_id=claims.get("jti"),
            token_version=version,
            signer=trusted.service,
            # Only staff tokens carry permissions; unknown names are dropped.
            permissions=(
                parse_permissions(claims.get("perms")) if role == "staff" else frozenset()
            ),
        )

    def jwks(self, only: tuple[str, ...] | None = None) -> dict[str, list[dict[str, str]]]:
        """The keys this verifier holds as a JWKS; `only` keeps those of these services."""
        keys = []
        for kid in tuple(self.keys.kids()):
            trusted = self.keys.find(kid)
            if trusted is not None and (only is None or trusted.service in only):
                keys.append(public_jwk(trusted.public_pem, kid))
        return {"keys": keys}


def parse_permissions(claim: object) -> frozenset[str]:
    """The known permissions of a `perms` claim (space-separated, like `scope`)."""
    return parse_scopes(claim) & frozenset(PERMISSIONS)


def jwks_document(keys: Mapping[str, bytes]) -> dict[str, list[dict[str, str]]]:
    """`{kid: public PEM}` as a JSON Web Key Set."""
    return {"keys": [public_jwk(pem, kid) for kid, pem in keys.items()]}
