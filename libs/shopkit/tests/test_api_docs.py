"""/docs and /redoc load nothing from another origin: the service serves Swagger UI's and
ReDoc's files itself, so the pages work without internet (shopkit.docs)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from shopkit.app import create_service_app

from .conftest import KitSettings

# Every URL a page names: attributes, and the strings of its inline script.
URL_IN_PAGE = re.compile(r"""(?:src|href|spec-url)="([^"]*)"|(?:url|Url):\s*[^,\n]*?'([^']*)'""")


@pytest.fixture
async def docs_app(kit_settings: KitSettings) -> AsyncIterator[FastAPI]:
    app = create_service_app(kit_settings, title="Kit", description="docs", routers=[])
    async with app.router.lifespan_context(app):
        yield app


def client(app: FastAPI, root_path: str = "") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    return httpx.AsyncClient(transport=transport, base_url="http://kit.test")


def urls_in(page: str) -> list[str]:
    return [a or b for a, b in URL_IN_PAGE.findall(page)]


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        (
            "/docs",
            {
                "/docs/assets/swagger-ui-bundle.js": ("javascript", b"SwaggerUIBundle"),
                "/docs/assets/swagger-ui.css": ("text/css", b".swagger-ui"),
                "/docs/assets/favicon.png": ("image/png", b"PNG"),
            },
        ),
        (
            "/redoc",
            {
                "/docs/assets/redoc.standalone.js": ("javascript", b"Redoc"),
                "/docs/assets/favicon.png": ("image/png", b"PNG"),
            },
        ),
    ],
)
async def test_docs_pages_reference_only_same_origin_assets(
    docs_app: FastAPI, page: str, assets: dict[str, tuple[str, bytes]]
) -> None:
    async with client(docs_app) as http:
        response = await http.get(page)
        assert response.status_code == 200
        assert "://" not in response.text  # no absolute URL: nothing from a CDN or font host
        named = urls_in(response.text)
        assert set(assets) <= set(named)
        assert "/openapi.json" in named
        for url in named:
            assert url.startswith("/") and not url.startswith("//"), url
        for url, (content_type, marker) in assets.items():
            asset = await http.get(url)
            assert asset.status_code == 200, url
            assert content_type in asset.headers["content-type"], url
            assert marker in asset.content[:200_000], url
            assert int(asset.headers["content-length"]) > 1_000, url


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_docs_pages_are_confined_to_their_origin(docs_app: FastAPI, page: str) -> None:
    """The browser itself refuses anything from elsewhere (ReDoc's footer logo is an image
    from cdn.redoc.ly), and "Try it out" may call only the service that serves the page."""
    async with client(docs_app) as http:
        policy = (await http.get(page)).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "://" not in policy and "*" not in policy


async def test_docs_switch_off_the_swagger_validator_badge(docs_app: FastAPI) -> None:
    # The badge is an image from validator.swagger.io: another origin, unreachable offline.
    async with client(docs_app) as http:
        assert '"validatorUrl": null' in (await http.get("/docs")).text


async def test_docs_behind_a_path_prefix_load_assets_under_that_prefix(
    docs_app: FastAPI,
) -> None:
    async with client(docs_app, root_path="/shop/kit") as http:
        for page in ("/docs", "/redoc"):
            named = urls_in((await http.get(page)).text)
            assert named and all(url.startswith("/shop/kit/") for url in named), named


async def test_swagger_oauth2_redirect_page_is_served(docs_app: FastAPI) -> None:
    async with client(docs_app) as http:
        response = await http.get("/docs/oauth2-redirect")
        assert response.status_code == 200
        assert "oauth2" in response.text.lower()


async def test_the_docs_pages_stay_out_of_the_openapi_document(docs_app: FastAPI) -> None:
    async with client(docs_app) as http:
        paths = (await http.get("/openapi.json")).json()["paths"]
    assert not any(path.startswith(("/docs", "/redoc")) for path in paths)
