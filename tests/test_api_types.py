"""The OpenAPI documents committed in docs/api/openapi/ are what the services serve today.

The frontend's API types (frontend/src/lib/api-types/) are generated from these documents and
its zod schemas are checked against those types, so a service change that is not regenerated
would leave the frontend checking against an old contract. `make api-types` regenerates both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import openapi  # noqa: E402


@pytest.mark.parametrize("service", sorted(openapi.SERVICES))
def test_committed_openapi_matches_the_service(service: str) -> None:
    committed = json.loads((openapi.SNAPSHOT_DIR / f"{service}.json").read_text())
    assert committed == openapi.service_openapi(service), (
        f"docs/api/openapi/{service}.json is stale: run `make api-types` and commit the result"
    )


def test_snapshot_folder_holds_exactly_the_services() -> None:
    assert sorted(p.stem for p in openapi.SNAPSHOT_DIR.glob("*.json")) == sorted(openapi.SERVICES)


def test_rendering_is_stable() -> None:
    document = openapi.service_openapi("notifications")
    assert openapi.render(document) == openapi.render(json.loads(openapi.render(document)))
