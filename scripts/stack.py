"""Run the whole shop as local processes (`make dev`, the e2e, contract and bench runs).

    python scripts/stack.py up  --profile dev            # foreground; Ctrl-C stops everything
    python scripts/stack.py run --profile e2e -- CMD...  # bring up, run CMD, tear down
    python scripts/stack.py prepare --profile e2e        # databases, migrations, seeds only

The launcher itself is the `shopstack` package beside this file (profiles, supervisor,
steps, cli); `python scripts/stack.py --help` lists the profiles.
"""

from __future__ import annotations

import sys

from shopstack.cli import load_stack, main
from shopstack.environment import Stack
from shopstack.launch import frontend_commands
from shopstack.profiles import DEMO_LOGINS, PROFILES, REPO_ROOT, RUN_DIR, SERVICES

__all__ = [
    "DEMO_LOGINS",
    "PROFILES",
    "REPO_ROOT",
    "RUN_DIR",
    "SERVICES",
    "Stack",
    "frontend_commands",
    "load_stack",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
