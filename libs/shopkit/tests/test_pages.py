"""Paging as every list route declares it: bounded query parameters and one page shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from shopkit.pages import (
    MAX_PAGE,
    CursorPage,
    Page,
    PageParams,
    Paging,
    newest_first,
    one_page,
)
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class NumberPage(Page[int]):
    pass


class NumberCursorPage(CursorPage[int]):
    pass


Shallow = Annotated[PageParams, Depends(PageParams.query(default_size=50, max_page=3))]


def _app() -> FastAPI:
    app = FastAPI()
    numbers = list(range(1, 96))

    @app.get("/numbers")
    async def list_numbers(paging: Paging) -> NumberPage:
        chosen = numbers[paging.offset : paging.offset + paging.page_size]
        return NumberPage.of(chosen, len(numbers), paging)

    @app.get("/shallow")
    async def shallow(paging: Shallow) -> NumberCursorPage:
        page = NumberCursorPage.of([], 0, paging)
        page.next_cursor = "after-0"
        return page

    return app


async def _get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_a_page_by_number_says_where_it_is() -> None:
    response = await _get("/numbers?page=2&page_size=40")
    assert response.status_code == 200
    assert response.json() == {
        "items": list(range(41, 81)),
        "total": 95,
        "page": 2,
        "page_size": 40,
    }


async def test_defaults_are_the_first_page_of_twenty() -> None:
    body = (await _get("/numbers")).json()
    assert (body["page"], body["page_size"], body["items"][-1]) == (1, 20, 20)


@pytest.mark.parametrize(
    "query",
    ["page=0", "page_size=0", "page_size=101", f"page={MAX_PAGE + 1}", "page=x"],
)
async def test_out_of_range_paging_is_a_422(query: str) -> None:
    assert (await _get(f"/numbers?{query}")).status_code == 422


async def test_a_route_sets_its_own_default_size_and_deepest_page() -> None:
    assert (await _get("/shallow?page=4")).status_code == 422
    body = (await _get("/shallow?page=3")).json()
    assert body == {"items": [], "total": 0, "page": 3, "page_size": 50, "next_cursor": "after-0"}


def test_the_openapi_document_states_the_bounds() -> None:
    operation = _app().openapi()["paths"]["/numbers"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["page"] == {
        "type": "integer",
        "maximum": MAX_PAGE,
        "minimum": 1,
        "default": 1,
        "title": "Page",
    }
    assert params["page_size"] == {
        "type": "integer",
        "maximum": 100,
        "minimum": 1,
        "default": 20,
        "title": "Page Size",
    }


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]


def test_newest_first_orders_by_creation_then_id_and_one_page_takes_the_page() -> None:
    query = one_page(select(_Note.id).order_by(*newest_first(_Note)), page=3, page_size=10)
    compiled = query.compile(compile_kwargs={"literal_binds": True})
    sql = " ".join(str(compiled).split())
    assert sql.endswith("ORDER BY notes.created_at DESC, notes.id DESC LIMIT 10 OFFSET 20"), sql
