"""Links in the top-level docs point at files that exist, and the README leads with the
two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "README.md",
    "docs/architecture.md",
    "docs/api.md",
    "docs/operations.md",
    *sorted(
        str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "docs" / "adr").glob("000[1-8]-*.md")
    ),
]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")  # markdown links and images


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_resolve(page: str) -> None:
    text = (REPO_ROOT / page).read_text()
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        resolved = (REPO_ROOT / page).parent / target
        if not resolved.exists():
            broken.append(target)
    assert not broken, f"{page}: broken links {broken}"


def test_readme_leads_with_make_dev_and_make_test() -> None:
    text = (REPO_ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, re.DOTALL)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands[:2] == ["make dev", "make test"]
    for login in ("admin@example.com", "alice@example.com", "bob@example.com"):
        assert login in text


def test_readme_screenshots_are_in_docs_screenshots() -> None:
    text = (REPO_ROOT / "README.md").read_text()
    images = set(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text))
    assert images == {
        f"docs/screenshots/{name}.png"
        for name in ("home", "product", "checkout", "admin-orders", "store-map")
    }
