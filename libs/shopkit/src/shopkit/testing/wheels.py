"""A service's wheel built in a test: what an install without the source tree gets (data
files a loader reads must ship inside it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from shopkit.settings import REPO_ROOT


def build_wheel(distribution: str, out_dir: Path) -> Path:
    """`uv build --wheel` of a workspace member ("catalog-fulfillment") into `out_dir`; the
    wheel's path. uv is the one the tests run under ($UV) or the first on PATH."""
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv runs the tests (make install)"
    built = subprocess.run(  # noqa: S603 - uv with a fixed command line
        [uv, "build", "--wheel", "--package", distribution, "-o", str(out_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = out_dir.glob(f"{distribution.replace('-', '_')}-*.whl")
    return wheel
