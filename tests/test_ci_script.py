""".ci/run is a valid, executable bash script that ends in `make test` and `make lint` and
needs no stdin."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CI = REPO_ROOT / ".ci" / "run"


def test_ci_script_parses_and_is_committed_executable() -> None:
    subprocess.run(["bash", "-n", str(CI)], check=True, capture_output=True)
    mode = subprocess.run(
        ["git", "ls-files", "-s", ".ci/run"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.split()[0]
    assert mode == "100755"


def test_ci_script_is_strict_installs_what_it_needs_and_runs_every_test() -> None:
    text = CI.read_text()
    assert "set -euo pipefail" in text
    for package in ("postgresql", "chromium", "make", "haproxy"):
        assert package in text
    assert "pg_ctlcluster --skip-systemctl-redirect" in text
    # after preparing the machine: the README's `make test` exactly (it installs what it
    # needs itself, so nothing is installed for it), then `make lint`
    make_lines = [line.strip() for line in text.splitlines() if line.strip().startswith("make ")]
    assert make_lines == [
        'make test || { status=$?; log "make test failed (exit $status)"; }',
        'make lint || { status=$?; log "make lint failed (exit $status)"; }',
    ]
    assert "read " not in text  # never waits for input


def test_ci_script_stops_with_a_reason_when_it_cannot_install(tmp_path: Path) -> None:
    """Not root and no sudo: it says so at once instead of half-working."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n")  # "not root"
    (fake_bin / "id").chmod(0o755)
    for tool in ("dirname", "date"):  # what the script needs before the check; no sudo
        (fake_bin / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    result = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(CI)],
        env={"PATH": str(fake_bin), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not root and no sudo" in result.stderr
