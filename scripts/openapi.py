"""Each service's OpenAPI document, built from its FastAPI app without a server or a database.

Building an app only reads settings and (in development) makes the dev signing keys in the
git-ignored `.keys/`; no connection is opened until the app starts, so this runs anywhere
`uv sync` has run.

Usage:
    python scripts/openapi.py DIR     # writes DIR/<service>.json for every service

The frontend's `npm run gen:api` (= `make api-types`) calls this, then turns the documents into
TypeScript types (docs/frontend.md). `tests/test_api_types.py` fails when the committed
documents in docs/api/openapi/ no longer match the services.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from shopkit.services import registered_services

REPO_ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = REPO_ROOT / "docs" / "api" / "openapi"

# service -> module with its `create_app()` factory, from the declarations (shopkit.services)
SERVICES: dict[str, str] = {s.name: f"{s.package}.main" for s in registered_services()}


def service_openapi(service: str) -> dict[str, Any]:
    """The OpenAPI document the running service would serve at /openapi.json."""
    module = importlib.import_module(SERVICES[service])
    document: dict[str, Any] = module.create_app().openapi()
    return document


def render(document: dict[str, Any]) -> str:
    """Stable text: FastAPI's own key order (paths as declared), two-space indent."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for service in SERVICES:
        path = directory / f"{service}.json"
        path.write_text(render(service_openapi(service)))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, nargs="?", default=SNAPSHOT_DIR)
    args = parser.parse_args()
    for path in write_all(args.directory):
        print(path)


if __name__ == "__main__":
    main()
