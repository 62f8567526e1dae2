"""Public keys for verifying identity-commerce's tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from shopkit.tokens import IDENTITY_KEY_ID, TokenVerifier

router = APIRouter(tags=["auth"])


class JsonWebKeySet(BaseModel):
    keys: list[dict[str, Any]]


@router.get(
    "/.well-known/jwks.json",
    response_model=JsonWebKeySet,
    summary="The public key that verifies user access tokens (RS256, kid identity-commerce)",
)
async def jwks(request: Request, response: Response) -> dict[str, Any]:
    verifier: TokenVerifier = request.app.state.token_verifier
    response.headers["Cache-Control"] = "public, max-age=300"
    return verifier.jwks(only=(IDENTITY_KEY_ID,))
