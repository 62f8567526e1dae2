"""Profile the shop under sustained checkouts with py-spy (not a test).

Runs bench/checkout_load.py with the arguments given, which attaches py-spy to every
process serving the identity-commerce, catalog-fulfillment, notifications and localstripe
ports while the load runs (not during its setup), then prints, per service, where its CPU went: by package, the top functions by own time
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
from pathlib import Path

from pyspy import parse, summarise

HERE = Path(__file__).resolve().parent
# Leaves where a thread waits rather than works: py-spy counts some of them as active
# (a thread pool's idle workers blocked on a lock, uvicorn's supervisor reading its pipe).
WAITING = ("Condition.wait (threading.py", "Connection._recv (multiprocessing/", "Queue.get (")
SERVICES = ("identity-commerce", "catalog-fulfillment", "notifications", "localstripe")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--out", default=".data/profiles/checkout")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--summarise", action="store_true", help="only summarise --out again")
    args, load_args = parser.parse_known_args()
    load_args = [a for a in load_args if a != "--"]
    out = Path(args.out)
    if not args.summarise:
        load = [sys.executable, str(HERE / "checkout_load.py"), "--json", "--profile-out", str(out)]
        subprocess.run([*load, *load_args], check=False)
    for name in SERVICES:
        stacks = [
            (frames, n)
            for raw in sorted((out / name).glob("*.txt"))
            for frames, n in parse(raw)
            if not frames[-1].startswith(WAITING)
        ]
        print(f"\n## {name}: py-spy during checkout_load {' '.join(load_args)}")
        print("(stacks whose leaf is a thread waiting on a lock or a pipe left out)\n")
        print(summarise(stacks, args.top))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
