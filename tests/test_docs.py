"""Links in the top-level docs point at files that exist, and the README leads with the
two commands."""

from __future__ import annotations

import re
import subprocess
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


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout.decode()
    wanted = {".md", ".py", ".ts", ".tsx", ".toml", ".yml", ".yaml", ".ini", ".cfg", ".sh"}
    return [
        REPO_ROOT / name
        for name in listed.split("\0")
        if name
        and Path(name).suffix in wanted
        and not name.startswith("frontend/src/lib/api-types/")
    ]


# Documents that exist only outside the repository, and machine paths of one checkout.
OUTSIDE_REFERENCE = re.compile(r"DESIGN\.md|(?<![\w.])/(?:work|home|Users)/\w")


def test_the_repository_cites_nothing_outside_itself() -> None:
    citing = []
    for path in _tracked_text_files():
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE_REFERENCE.search(line):
                citing.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()[:80]}")
    assert not citing, "\n".join(citing)


def test_links_in_every_doc_resolve() -> None:
    broken = []
    for page in sorted((REPO_ROOT / "docs").rglob("*.md")):
        for target in LINK.findall(page.read_text()):
            if not re.match(r"^[a-z]+:", target) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO_ROOT)} -> {target}")
    assert not broken, broken
