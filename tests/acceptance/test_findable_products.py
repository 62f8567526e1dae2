"""Findable products across real processes: the three services, and the frontend served
as `make dev` serves it (the Vite dev server) and as the compose/Kubernetes image serves it
(server/serve.js over a real `vite build`). A product page's HTML, fetched without running
any JavaScript, carries its title, canonical URL and schema.org JSON-LD; old id links
redirect to the slug; sitemap.xml lists every active product and no archived one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from shopkit.testing import free_port
from shopstack.profiles import REPO_ROOT
from shopstack.supervisor import Child

from .shop import Shop

FRONTEND_DIR = REPO_ROOT / "frontend"
PUBLIC_ORIGIN = "https://shop.example.test"  # SHOP_URL of the production server


@pytest.fixture(scope="module")
def catalog(shop: Shop) -> dict[str, Any]:
    """A category with two active products and an archived one."""
    admin, url = shop.admin_headers(), shop.catalog.url
    suffix = uuid.uuid4().hex[:6]
    category = httpx.post(
        f"{url}/admin/categories", json={"name": f"Lanterns {suffix}"}, headers=admin
    )
    assert category.status_code == 201, category.text

    def product(name: str, *prices: str) -> dict[str, Any]:
        body = {
            "name": name,
            "description": "Brass storm lantern.\nBurns eight hours on one fill.",
            "brand": "Harbour & Co",
            "category_id": category.json()["id"],
            "images": [{"url": "/static/products/generic.svg", "alt": name}],
            "variants": [
                {"sku": f"LAN-{uuid.uuid4().hex[:8]}", "name": f"v{n}", "price": p, "on_hand": 50}
                for n, p in enumerate(prices)
            ],
        }
        created = httpx.post(f"{url}/admin/products", json=body, headers=admin)
        assert created.status_code == 201, created.text
        return created.json()

    lantern = product(f"Storm Lantern </script> {suffix}", "49.00", "59.50")
    other = product(f"Candle Lantern {suffix}", "12.00")
    archived = product(f"Retired Lantern {suffix}", "9.00")
    gone = httpx.post(f"{url}/admin/products/{archived['id']}/archive", headers=admin)
    assert gone.status_code == 200, gone.text
    return {"category": category.json(), "lantern": lantern, "other": other, "archived": archived}


def frontend_env(shop: Shop) -> dict[str, str]:
    """What the launcher gives the frontend process (service and public URLs)."""
    return {**shop.stack.service_env(), **shop.stack.public_env()}


@pytest.fixture(scope="module")
def dev_server(shop: Shop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Child]:
    """`npm run dev` with the flags `make dev` starts it with."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed for the frontend"
    port = free_port()
    logs = tmp_path_factory.mktemp("vite-dev")
    argv = [npm, "run", "dev", "--", "--port", str(port), "--strictPort", "--host", "127.0.0.1"]
    env = frontend_env(shop)
    env.pop("SHOP_URL", None)  # the request's own origin, as under `make dev`
    child = Child(
        "vite-dev",
        argv,
        FRONTEND_DIR,
        env,
        f"http://127.0.0.1:{port}/",
        "",
        logs / "vite.log",
        port,
    )
    child.start(timeout=120)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def production_server(shop: Shop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Child]:
    """A real `vite build` served by server/serve.js, as in the frontend image."""
    out = tmp_path_factory.mktemp("frontend-build") / "dist"
    env = frontend_env(shop)
    build = subprocess.run(  # noqa: S603 - fixed argv
        ["npx", "--no-install", "vite", "build", "--outDir", str(out), "--emptyOutDir"],
        cwd=FRONTEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    port = free_port()
    argv = [
        "node",
        "server/serve.js",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--dist",
        str(out),
    ]
    env |= {"CATALOG_INTERNAL_URL": shop.catalog.url, "SHOP_URL": PUBLIC_ORIGIN}
    child = Child(
        "frontend-prod",
        argv,
        FRONTEND_DIR,
        env,
        f"http://127.0.0.1:{port}/health",
        "",
        Path(out.parent) / "serve.log",
        port,
    )
    child.start(timeout=60)
    yield child
    child.stop()


@pytest.fixture(params=["dev", "production"])
def frontend(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(base URL, the origin its canonical URLs use) of each way the frontend is served."""
    if request.param == "dev":
        server: Child = request.getfixturevalue("dev_server")
        return server.url, server.url
    server = request.getfixturevalue("production_server")
    return server.url, PUBLIC_ORIGIN


def json_ld(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(found) == 1, html[:3000]
    return json.loads(found[0])


def test_product_page_html_carries_title_canonical_url_and_json_ld(
    frontend: tuple[str, str], catalog: dict[str, Any]
) -> None:
    base, origin = frontend
    lantern = catalog["lantern"]
    page = httpx.get(f"{base}/products/{lantern['slug']}", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    canonical = f"{origin}/products/{lantern['slug']}"
    title = lantern["name"].replace("<", "&lt;").replace(">", "&gt;")
    assert re.findall(r"<title>(.*?)</title>", html) == [f"{title} | Shop"]
    assert f'<link rel="canonical" href="{canonical}" />' in html
    assert f'<meta property="og:url" content="{canonical}" />' in html
    assert '<meta property="og:type" content="product" />' in html
    assert lantern["name"] not in html  # its "</script>" is escaped wherever it appears
    ld = json_ld(html)
    assert ld["@type"] == "Product" and ld["name"] == lantern["name"]
    assert ld["url"] == canonical
    assert ld["brand"] == {"@type": "Brand", "name": "Harbour & Co"}
    assert ld["offers"] == {
        "@type": "AggregateOffer",
        "lowPrice": "49.00",
        "highPrice": "59.50",
        "offerCount": 2,
        "priceCurrency": lantern["currency"],
        "availability": "https://schema.org/InStock",
        "url": canonical,
    }
    assert '<div id="root"></div>' in html  # still the app, which takes over in a browser


def test_old_id_links_redirect_to_the_slug_and_unknown_products_are_404(
    frontend: tuple[str, str], catalog: dict[str, Any]
) -> None:
    base, _ = frontend
    lantern = catalog["lantern"]
    moved = httpx.get(f"{base}/products/{lantern['id']}?ref=mail", timeout=30)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/products/{lantern['slug']}?ref=mail"
    for missing in (catalog["archived"]["slug"], "no-such-lantern", str(uuid.uuid4())):
        page = httpx.get(f"{base}/products/{missing}", timeout=30)
        assert page.status_code == 404, missing
        assert '<div id="root"></div>' in page.text  # the app's own not-found page
        assert "application/ld+json" not in page.text


def test_sitemap_lists_every_active_product_and_category_and_robots_points_to_it(
    frontend: tuple[str, str], catalog: dict[str, Any], shop: Shop
) -> None:
    base, origin = frontend
    sitemap = httpx.get(f"{base}/sitemap.xml", timeout=30)
    assert sitemap.status_code == 200
    assert sitemap.headers["content-type"].startswith("application/xml")
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap.text)
    listed = {loc.removeprefix(f"{origin}/products/") for loc in locs if "/products/" in loc}

    active, page = set(), 1
    while True:
        body = httpx.get(
            f"{shop.catalog.url}/catalog/products", params={"page": page, "page_size": 100}
        ).json()
        active |= {item["slug"] for item in body["items"]}
        if page * 100 >= body["total"]:
            break
        page += 1
    assert listed == active
    assert {catalog["lantern"]["slug"], catalog["other"]["slug"]} <= listed
    assert catalog["archived"]["slug"] not in listed
    assert f"{origin}/categories/{catalog['category']['slug']}" in locs

    robots = httpx.get(f"{base}/robots.txt", timeout=30)
    assert robots.status_code == 200
    assert f"Sitemap: {origin}/sitemap.xml" in robots.text.splitlines()
