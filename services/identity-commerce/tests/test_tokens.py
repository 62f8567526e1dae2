"""Access tokens: claims, JWKS, refusal of every kind of bad token, /docs authorization."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from jose import jwk, jwt
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, make_user

PROTECTED = [("GET", "/auth/me"), ("GET", "/addresses"), ("GET", "/cart")]


async def _login(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/auth/login", json={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_access_token_claims_and_jwks_verification(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    token = await _login(client, user.email)

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert re.fullmatch(r"identity-commerce-[0-9a-f]{16}", header["kid"])  # versioned

    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert [k["kid"] for k in keys] == [header["kid"]]
    assert {"kty", "n", "e", "alg", "use"} <= keys[0].keys()
    assert "d" not in keys[0]  # public part only

    # Anyone holding only the published key can verify the token.
    claims = jwt.decode(
        token, jwk.construct(keys[0]), algorithms=["RS256"], audience="shop", issuer="shop-identity"
    )
    assert claims["sub"] == str(user.id)
    assert claims["email"] == user.email
    assert claims["role"] == "customer"
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["jti"]


async def test_token_lifetime_is_configurable(
    client: httpx.AsyncClient, db_session: AsyncSession, app: object
) -> None:
    app.state.settings.access_token_ttl_minutes = 5  # type: ignore[attr-defined]
    try:
        user = await make_user(db_session)
        response = await client.post(
            "/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.json()["expires_in"] == 300
        claims = jwt.get_unverified_claims(response.json()["access_token"])
        assert claims["exp"] - claims["iat"] == 300
    finally:
        app.state.settings.access_token_ttl_minutes = 15  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "kind", ["expired", "wrong_key", "wrong_audience", "alg_none", "hs256_public_key", "garbage"]
)
async def test_bad_tokens_are_refused_with_401(
    client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path, kind: str
) -> None:
    bad = tokens.bad_tokens(tmp_path)[kind]
    for method, path in PROTECTED:
        response = await client.request(method, path, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, (kind, path, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    for method, path in PROTECTED:
        assert (await client.request(method, path)).status_code == 401


async def test_docs_offer_bearer_authorization_on_protected_routes(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "RS256 access or service token",
    }
    for path, method in [("/auth/me", "get"), ("/addresses", "post"), ("/cart/merge", "post")]:
        assert spec["paths"][path][method]["security"] == [{"HTTPBearer": []}]
    # A guest may call these with its token header instead: the bearer is optional there.
    for path, method in [
        ("/cart/items", "post"),
        ("/checkout/create-payment-intent", "post"),
        ("/orders/{order_id}", "get"),
    ]:
        assert spec["paths"][path][method]["security"] == [{"HTTPBearer": []}, {}]
    assert "security" not in spec["paths"]["/auth/login"]["post"]


async def test_every_route_declares_its_errors(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    mine = [p for p in spec["paths"] if p.startswith(("/auth", "/addresses", "/cart"))]
    assert mine
    for path in mine:
        for method, operation in spec["paths"][path].items():
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, (method, path)
