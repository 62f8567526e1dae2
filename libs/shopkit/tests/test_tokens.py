"""RS256 issue/verify and every kind of token that must be refused."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import IDENTITY_KEY_ID, TokenError, TokenVerifier


@pytest.fixture
def verifier(lib_keys_dir: Path, token_factory: TokenFactory) -> TokenVerifier:
    return TokenVerifier.from_keys_dir(
        lib_keys_dir, issuer=token_factory.issuer, audience=token_factory.audience
    )


def test_customer_token_round_trips(token_factory: TokenFactory, verifier: TokenVerifier) -> None:
    user_id = uuid.uuid4()
    principal = verifier.verify(token_factory.customer(user_id=user_id, email="a@example.com"))
    assert principal.user_id == user_id
    assert principal.role == "customer"
    assert principal.email == "a@example.com"
    assert principal.token_id


def test_service_token_from_another_service_is_accepted(
    token_factory: TokenFactory, verifier: TokenVerifier
) -> None:
    principal = verifier.verify(token_factory.service("catalog-fulfillment"))
    assert principal.is_service
    assert principal.subject == "service:catalog-fulfillment"


@pytest.mark.parametrize(
    "kind", ["expired", "wrong_key", "wrong_audience", "alg_none", "hs256_public_key", "garbage"]
)
def test_bad_tokens_are_refused(
    kind: str, token_factory: TokenFactory, verifier: TokenVerifier, tmp_path: Path
) -> None:
    token = token_factory.bad_tokens(tmp_path)[kind]
    with pytest.raises(TokenError):
        verifier.verify(token)


def test_only_identity_key_may_mint_user_roles(
    token_factory: TokenFactory, verifier: TokenVerifier
) -> None:
    # catalog-fulfillment holds a valid key, but must not be able to create an admin
    forged = token_factory.signer("catalog-fulfillment").issue(
        subject=str(uuid.uuid4()), role="admin", ttl=timedelta(minutes=5)
    )
    with pytest.raises(TokenError, match="identity-commerce"):
        verifier.verify(forged)


def test_access_token_cannot_pose_as_service(
    token_factory: TokenFactory, verifier: TokenVerifier
) -> None:
    token = token_factory.identity.issue(
        subject="x", role="service", ttl=timedelta(minutes=1), token_type="access"
    )
    with pytest.raises(TokenError, match="service token"):
        verifier.verify(token)


def test_jwks_publishes_only_public_parts(verifier: TokenVerifier) -> None:
    keys = verifier.jwks(only=(IDENTITY_KEY_ID,))["keys"]
    assert [k["kid"] for k in keys] == [IDENTITY_KEY_ID]
    assert set(keys[0]) == {"kty", "use", "alg", "kid", "n", "e"}
