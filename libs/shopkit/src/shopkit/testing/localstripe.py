"""Run localstripe in memory only: `python -m shopkit.testing.localstripe --port 8420`.

Stock localstripe pickles its whole store to /tmp/localstripe.pickle after every write and
reloads it at start. That makes each write slower as the store grows (it dominates under
load) and lets two instances on one machine overwrite each other's file. A Stripe stand-in
for dev, tests and benchmarks needs neither, so both are switched off here.
"""

from __future__ import annotations

import sys

from localstripe import resources, server


def main() -> None:
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]
    if "--from-scratch" not in sys.argv:
        sys.argv.append("--from-scratch")
    server.start()


if __name__ == "__main__":
    main()
