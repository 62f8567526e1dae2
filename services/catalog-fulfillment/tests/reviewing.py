"""Helpers for the review tests: request bodies, tokens, and identity-commerce's
verified-purchase answers at its HTTP edge (respx, on the host the test settings name)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

IDENTITY = "http://identity.test"
VERIFIED_PATH = "/internal/verified-purchase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def review_body(product_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    return {
        "product_id": str(product_id),
        "rating": 4,
        "title": "Solid everyday kettle",
        "comment": "Boils a full litre in under three minutes; the lid could be stiffer.",
        **overrides,
    }


def answer_by_user(verified_users: set[str]) -> Callable[[httpx.Request], httpx.Response]:
    """identity-commerce's answer: a purchase for these user ids (as strings), none for
    anyone else. The set is read at each question: change it to change the answers."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"verified": request.url.params["user_id"] in verified_users}
        )

    return answer


async def post_review(
    client: httpx.AsyncClient,
    tokens: Any,
    product_id: uuid.UUID,
    user_id: uuid.UUID,
    rating: int = 4,
    title: str = "A review",
) -> dict[str, Any]:
    response = await client.post(
        "/reviews",
        json=review_body(product_id, rating=rating, title=title),
        headers=bearer(tokens.customer(user_id=user_id)),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
