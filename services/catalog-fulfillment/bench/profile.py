"""Profile catalog-fulfillment under the closed-loop catalog bench with py-spy (not a test).

Attaches py-spy (sampling, non-blocking) to every process serving the port, runs
catalog_bench.py with the same arguments, stops the profilers and prints where the CPU
went: by package, and the top functions by own time and by inclusive time.

    uv run python bench/profile.py --url http://127.0.0.1:8002 --only "product list" \\
        [--requests 3000] [--out .data/profiles/list]
    uv run python bench/profile.py --out .data/profiles/list --summarise   # again, later

py-spy needs permission to read the service's memory (root, or ptrace_scope 0). Raw
stacks are kept in --out (collapsed format: one stack per line; flamegraph.pl or
speedscope read them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

# procstat is shared with the checkout bench, in the repository's bench/ folder
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from procstat import pids_serving  # noqa: E402
from pyspy import Profilers, parse, summarise  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8002")
    parser.add_argument("--out", default=".data/profiles/catalog")
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--summarise", action="store_true", help="only summarise the raw stacks kept in --out"
    )
    args, bench_args = parser.parse_known_args()
    if args.summarise:
        stacks = [s for raw in sorted(Path(args.out).glob("*.txt")) for s in parse(raw)]
        print(summarise(stacks, args.top))
        return 0
    port = int(args.url.rsplit(":", 1)[1].split("/")[0])
    pids = pids_serving(port)
    if not pids:
        print(f"nothing listens on port {port}", file=sys.stderr)
        return 1
    profilers = Profilers(pids, Path(args.out), args.rate)
    time.sleep(1)  # let py-spy attach
    bench = [sys.executable, str(HERE / "catalog_bench.py"), "--url", args.url, *bench_args]
    subprocess.run(bench, check=False)  # noqa: S603
    stacks = profilers.stop()
    print(f"\n## py-spy: {' '.join(bench_args) or 'every scenario'} (pids {pids})\n")
    print(summarise(stacks, args.top))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
