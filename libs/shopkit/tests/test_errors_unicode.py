"""Validation errors about text that UTF-8 cannot encode still answer a clean 422."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field
from shopkit.errors import install_error_handlers


class Named(BaseModel):
    name: str = Field(max_length=3)


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/named")
    async def named(body: Named) -> dict[str, str]:
        return {"name": body.name}

    return app


async def test_lone_surrogates_in_invalid_input_answer_422() -> None:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        # json.dumps escapes the surrogates as \ud800, which JSON allows and UTF-8 does not.
        for body in ({"name": "\ud800\ud800\ud800\ud800"}, {"name": ["x"], "\udc00": 1}):
            response = await http.post(
                "/named", content=json.dumps(body), headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 422, response.text
            [error] = response.json()["detail"]
            assert error["loc"][:2] == ["body", "name"]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post(
            "/named",
            content=json.dumps({"name": "\ud800\ud800\ud800\ud800"}),
            headers={"Content-Type": "application/json"},
        )
        assert response.json()["detail"][0]["input"] == "????"
