"""API docs that work where the shop runs: Swagger UI at /docs and ReDoc at /redoc, with
their JavaScript, CSS and icon served by the service itself.

FastAPI's own pages load these files from a public CDN, so on a machine without internet
(an air-gapped deployment, a train, a CI runner) the page stays blank. The files come from
the `fastapi-offline` package (ADR 0025), locked in uv.lock and installed like any other
dependency: nothing is fetched at run time and nothing is copied into the repository. Only
its static files are used; the app is still built by `shopkit.app.create_service_app`.

Everything a docs page loads is same-origin, so "Try it out" calls the service it is served
by and needs no CORS; the pages keep working behind a proxy that mounts the service under a
path prefix (`root_path`). A Content-Security-Policy on the pages holds them to that: the
browser refuses anything from another origin before asking for it (ReDoc's footer logo, its
one remaining outside reference, then hides itself).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
# 'unsafe-inline' is for FastAPI's inline start-up script and the styles both UIs inject;
# blob: workers are ReDoc's search; data: covers the images inlined in their CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs, its OAuth2 redirect and /redoc from local files. The app must be built
    with `docs_url=None, redoc_url=None` so that FastAPI adds no CDN-backed pages."""
    missing = [name for name in ASSETS if not (ASSETS_DIR / name).is_file()]
    if missing:  # a changed fastapi-offline layout must fail at start, not as a blank page
        raise RuntimeError(f"API docs assets missing from {ASSETS_DIR}: {', '.join(missing)}")
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            init_oauth=app.swagger_ui_init_oauth,
            # No validity badge: it is an image from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})},
        )
        return _confined(page)

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return _confined(get_swagger_ui_oauth2_redirect_html())

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return _confined(page)


def _confined(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")
