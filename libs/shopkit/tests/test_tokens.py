"""RS256 issue/verify and every kind of token that must be refused."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import jose.jwk
import pytest
import shopkit.tokens
from jose import jwt
from shopkit.scopes import ACCOUNTS_READ, EVENTS_WRITE, GRANTS, INVENTORY_WRITE, PURCHASES_READ
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import IDENTITY_KEY_ID, TokenError, TokenSigner, TokenVerifier, ensure_dev_key


@pytest.fixture
def verifier(keys_dir: Path, tokens: TokenFactory) -> TokenVerifier:
    return TokenVerifier.from_keys_dir(keys_dir, issuer=tokens.issuer, audience=tokens.audience)


def test_customer_token_round_trips(tokens: TokenFactory, verifier: TokenVerifier) -> None:
    user_id = uuid.uuid4()
    principal = verifier.verify(tokens.customer(user_id=user_id, email="a@example.com"))
    assert principal.user_id == user_id
    assert principal.role == "customer"
    assert principal.email == "a@example.com"
    assert principal.token_id


def test_service_token_from_another_service_is_accepted(
    tokens: TokenFactory, verifier: TokenVerifier
) -> None:
    principal = verifier.verify(tokens.service("catalog-fulfillment"))
    assert principal.is_service
    assert principal.subject == "service:catalog-fulfillment"


@pytest.mark.parametrize(
    "kind", ["expired", "wrong_key", "wrong_audience", "alg_none", "hs256_public_key", "garbage"]
)
def test_bad_tokens_are_refused(
    kind: str, tokens: TokenFactory, verifier: TokenVerifier, tmp_path: Path
) -> None:
    token = tokens.bad_tokens(tmp_path)[kind]
    with pytest.raises(TokenError):
        verifier.verify(token)


def test_only_identity_key_may_mint_user_roles(
    tokens: TokenFactory, verifier: TokenVerifier
) -> None:
    # catalog-fulfillment holds a valid key, but must not be able to create an admin
    forged = tokens.signer("catalog-fulfillment").issue(
        subject=str(uuid.uuid4()), role="admin", ttl=timedelta(minutes=5)
    )
    with pytest.raises(TokenError, match="identity-commerce"):
        verifier.verify(forged)


def test_access_token_cannot_pose_as_service(tokens: TokenFactory, verifier: TokenVerifier) -> None:
    token = tokens.identity.issue(
        subject="x", role="service", ttl=timedelta(minutes=1), token_type="access"
    )
    with pytest.raises(TokenError, match="service token"):
        verifier.verify(token)


def test_jwks_publishes_only_public_parts(verifier: TokenVerifier, tokens: TokenFactory) -> None:
    keys = verifier.jwks(only=(IDENTITY_KEY_ID,))["keys"]
    assert [k["kid"] for k in keys] == [tokens.identity.kid]
    assert set(keys[0]) == {"kty", "use", "alg", "kid", "n", "e"}


# --- keys parsed once, service tokens reused ------------------------------------------------
def test_keys_are_parsed_once_not_per_token(
    tokens: TokenFactory,
    verifier: TokenVerifier,
    keys_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Parsing a PEM costs ~50 ms of CPU; signing and verifying must not do it again."""
    signer = TokenSigner.from_keys_dir(
        keys_dir,
        IDENTITY_KEY_ID,
        issuer=tokens.issuer,
        audience=tokens.audience,
        generate=False,
    )
    verifier.verify(tokens.service("catalog-fulfillment"))  # loads what it trusts

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a key was parsed again")

    monkeypatch.setattr(jose.jwk, "construct", parse)
    for _ in range(3):
        token = signer.issue(subject=str(uuid.uuid4()), role="customer", ttl=timedelta(minutes=1))
        assert verifier.verify(token).role == "customer"


def test_a_service_token_is_reused_until_shortly_before_it_expires(
    tokens: TokenFactory, keys_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = TokenSigner.from_keys_dir(
        keys_dir,
        "catalog-fulfillment",
        issuer=tokens.issuer,
        audience=tokens.audience,
        generate=False,
    )
    now = [time.time()]
    monkeypatch.setattr(shopkit.tokens.time, "time", lambda: now[0])
    first = signer.service_token(300, scopes=[EVENTS_WRITE])
    assert signer.service_token(300, scopes=[EVENTS_WRITE]) == first
    # Another scope set (or lifetime) is another token.
    purchases = signer.service_token(300, scopes=[PURCHASES_READ])
    assert purchases != first
    assert jwt.get_unverified_claims(purchases)["scope"] == PURCHASES_READ
    now[0] += 239  # 4 minutes in: still more than a minute left
    assert signer.service_token(300, scopes=[EVENTS_WRITE]) == first
    now[0] += 2  # less than a minute left: a new one
    assert signer.service_token(300, scopes=[EVENTS_WRITE]) != first


# --- scopes ----------------------------------------------------------------------------------
def test_a_service_holds_only_the_scopes_granted_to_it(
    tokens: TokenFactory, verifier: TokenVerifier
) -> None:
    asked = [INVENTORY_WRITE, EVENTS_WRITE, "made:up"]
    notifications = verifier.verify(tokens.service("notifications", scopes=asked))
    assert notifications.scopes == frozenset()  # it may hold accounts:read only
    identity = verifier.verify(tokens.service(IDENTITY_KEY_ID, scopes=asked))
    assert identity.scopes == {INVENTORY_WRITE, EVENTS_WRITE}
    assert identity.signer == IDENTITY_KEY_ID
    assert GRANTS["notifications"] == {ACCOUNTS_READ}


def test_a_service_token_must_name_the_service_that_signed_it(
    tokens: TokenFactory, verifier: TokenVerifier
) -> None:
    forged = tokens.signer("notifications").issue(
        subject="service:identity-commerce",
        role="service",
        ttl=timedelta(minutes=1),
        token_type="service",
        extra={"scope": INVENTORY_WRITE},
    )
    with pytest.raises(TokenError, match="names the service"):
        verifier.verify(forged)


def test_a_user_token_version_must_be_a_whole_number(tokens: TokenFactory) -> None:
    verifier = TokenVerifier.from_keys_dir(
        tokens.keys_dir, issuer=tokens.issuer, audience=tokens.audience
    )
    assert verifier.verify(tokens.user(token_version=3)).token_version == 3
    assert verifier.verify(tokens.user()).token_version == 0  # issued before versions
    for bad in ("3", -1, True, 1.5):
        token = tokens.identity.issue(
            subject=str(uuid.uuid4()), role="customer", ttl=timedelta(minutes=1), extra={"ver": bad}
        )
        with pytest.raises(TokenError, match="version"):
            verifier.verify(token)


# --- trusted keys ----------------------------------------------------------------------------
def test_only_the_listed_services_keys_are_trusted(tokens: TokenFactory, keys_dir: Path) -> None:
    """A public key that appears in the folder is not trusted for appearing there."""
    ensure_dev_key(keys_dir, "intruder")
    intruder = tokens.signer("intruder").service_token()  # its key is in the folder
    catalog_token = tokens.service("catalog-fulfillment")
    only_identity = TokenVerifier.from_keys_dir(
        keys_dir,
        issuer=tokens.issuer,
        audience=tokens.audience,
        trusted=[IDENTITY_KEY_ID],
    )
    for token in (intruder, catalog_token):
        with pytest.raises(TokenError, match="unknown key"):
            only_identity.verify(token)
    assert only_identity.verify(tokens.service()).is_service
    assert [k["kid"] for k in only_identity.jwks()["keys"]] == [tokens.identity.kid]


def test_a_trusted_service_that_starts_later_is_found_when_its_tokens_arrive(
    tmp_path: Path, tokens: TokenFactory
) -> None:
    verifier = TokenVerifier.from_keys_dir(
        tmp_path,
        issuer=tokens.issuer,
        audience=tokens.audience,
        trusted=["catalog-fulfillment"],
    )
    ensure_dev_key(tmp_path / "private", "catalog-fulfillment", tmp_path)  # starts now
    signer = TokenSigner.from_keys_dir(
        tmp_path / "private",
        "catalog-fulfillment",
        issuer=tokens.issuer,
        audience=tokens.audience,
        generate=False,
    )
    assert verifier.verify(signer.service_token()).signer == "catalog-fulfillment"
    assert not (tmp_path / "catalog-fulfillment.key").exists()  # private key stayed private
