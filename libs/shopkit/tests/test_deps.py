"""Routes receive what start-up put on app.state through Annotated dependencies."""

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI
from shopkit.deps import from_app_state

Greeting = Annotated[str, Depends(from_app_state("greeting"))]


async def test_a_route_gets_the_object_set_at_start_up() -> None:
    app = FastAPI()
    app.state.greeting = "hello"

    @app.get("/greet")
    async def greet(greeting: Greeting) -> dict[str, str]:
        return {"greeting": greeting}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/greet")).json() == {"greeting": "hello"}
    # the dependency is not a request parameter
    assert "parameters" not in app.openapi()["paths"]["/greet"]["get"]
