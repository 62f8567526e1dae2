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
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from procstat import pids_serving

HERE = Path(__file__).resolve().parent
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]*)(?::(?P<line>\d+))?\)$")
# Every request passes through the server and the middleware stack down to the router:
# frames at or above it say nothing about where a request's own time goes.
ROUTER_FRAME = "Router.__call__ (starlette/routing.py"


def parse(raw: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def package(frame: str) -> str:
    match = FRAME.match(frame)
    path = match.group("file") if match else frame
    return path.split("/", 1)[0] if "/" in path else path.removesuffix(".py")


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    line = f":{match.group('line')}" if match.group("line") else ""
    return f"{match.group('function')} ({match.group('file')}{line})"


def summarise(stacks: list[tuple[list[str], int]], top: int) -> str:
    total = sum(n for _, n in stacks) or 1
    by_package: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    for frames, n in stacks:
        by_package[package(frames[-1])] += n
        own[short(frames[-1])] += n
        for frame in {short(f) for f in frames}:
            inclusive[frame] += n
    out = [f"{total} samples (CPU only, idle excluded)", "", "### by package (own time)", ""]
    out += [f"{n / total:6.1%}  {name}" for name, n in by_package.most_common(top)]
    out += ["", "### top functions, own time", ""]
    out += [f"{n / total:6.1%}  {name}" for name, n in own.most_common(top)]
    routed = max((n for name, n in inclusive.items() if name.startswith(ROUTER_FRAME)), default=0)
    out += [
        "",
        f"### top functions, inclusive, below the router ({routed / total:.1%} of samples)",
        "",
    ]
    out += [f"{n / total:6.1%}  {name}" for name, n in inclusive.most_common() if n < routed][:top]
    return "\n".join(out)


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
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    port = int(args.url.rsplit(":", 1)[1].split("/")[0])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pids = pids_serving(port)
    if not pids:
        print(f"nothing listens on port {port}", file=sys.stderr)
        return 1
    profilers = []
    for pid in pids:
        raw = out / f"{pid}.txt"
        raw.unlink(missing_ok=True)
        argv = [py_spy, "record", "--pid", str(pid), "--rate", str(args.rate), "--nonblocking"]
        argv += ["--format", "raw", "--output", str(raw)]
        profilers.append(
            (raw, subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)),  # noqa: S603
        )
    time.sleep(1)  # let py-spy attach
    bench = [sys.executable, str(HERE / "catalog_bench.py"), "--url", args.url, *bench_args]
    subprocess.run(bench, check=False)  # noqa: S603
    for _, profiler in profilers:
        profiler.send_signal(signal.SIGINT)
    stacks = []
    for raw, profiler in profilers:
        _, errors = profiler.communicate(timeout=60)
        if raw.exists():
            stacks += parse(raw)
        elif errors:
            print(errors.decode(errors="replace"), file=sys.stderr)
    print(f"\n## py-spy: {' '.join(bench_args) or 'every scenario'} (pids {pids})\n")
    print(summarise(stacks, args.top))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
