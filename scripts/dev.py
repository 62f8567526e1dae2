"""`make dev`: the whole shop with demo data on the usual ports (Ctrl-C stops it).

Creates the databases when missing, applies migrations, loads the demo data (seeds are
idempotent), starts identity-commerce :8001, catalog-fulfillment :8002, notifications :8010,
localstripe :8420 and the frontend :5173, and prints the URLs and demo logins once every one
of them answers. Extra arguments go to `stack.py up` (e.g. `--frontend preview`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (scripts/stack.py)

if __name__ == "__main__":
    sys.exit(stack.main(["up", "--profile", "dev", *sys.argv[1:]]))
