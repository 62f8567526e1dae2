"""Profile the shop under sustained checkouts with py-spy (not a test).

Attaches py-spy to every process serving the identity-commerce, catalog-fulfillment,
notifications and localstripe ports, runs bench/checkout_load.py with the arguments given,
then prints, per service, where its CPU went: by package, the top functions by own time
and by inclusive time below the router.

    uv run --frozen python bench/profile_checkout.py --out .data/profiles/checkout \\
        -- --shape hot --seconds 30
    uv run --frozen python bench/profile_checkout.py --out .data/profiles/checkout --summarise

Raw stacks are kept in --out/<service>/<pid>.txt (collapsed format).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from procstat import pids_serving
from pyspy import Profilers, parse, summarise

HERE = Path(__file__).resolve().parent
SERVICES = {
    "identity-commerce": "IDENTITY_URL",
    "catalog-fulfillment": "CATALOG_URL",
    "notifications": "NOTIFICATIONS_URL",
    "localstripe": "STRIPE_URL",
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--out", default=".data/profiles/checkout")
    parser.add_argument("--rate", type=int, default=100, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--summarise", action="store_true", help="only summarise --out again")
    args, load_args = parser.parse_known_args()
    load_args = [a for a in load_args if a != "--"]
    out = Path(args.out)
    if not args.summarise:
        profilers = {}
        for name, variable in SERVICES.items():
            port = urlsplit(os.environ[variable]).port or 80
            profilers[name] = Profilers(pids_serving(port), out / name, args.rate)
        time.sleep(1)  # let py-spy attach
        load = [sys.executable, str(HERE / "checkout_load.py"), "--json", *load_args]
        subprocess.run(load, check=False)
        for profiler in profilers.values():
            profiler.stop()
    for name in SERVICES:
        stacks = [s for raw in sorted((out / name).glob("*.txt")) for s in parse(raw)]
        print(f"\n## {name}: py-spy during checkout_load {' '.join(load_args)}\n")
        print(summarise(stacks, args.top))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
