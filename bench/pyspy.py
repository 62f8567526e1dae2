"""py-spy around a workload: attach to every process serving some ports, summarise.

Shared by the catalog profile (services/catalog-fulfillment/bench/profile.py) and the
checkout profile (bench/profile_checkout.py). py-spy samples without stopping the target
(--nonblocking) and needs permission to read its memory (root, or ptrace_scope 0). Raw
stacks are kept in collapsed format (one stack per line; flamegraph.pl or speedscope read
them), so a profile can be summarised again later.
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

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


class Profilers:
    """One `py-spy record` per process, started and stopped together."""

    def __init__(self, pids: list[int], out: Path, rate: int = 250) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.running = []
        for pid in pids:
            raw = out / f"{pid}.txt"
            raw.unlink(missing_ok=True)
            argv = [py_spy, "record", "--pid", str(pid), "--rate", str(rate), "--nonblocking"]
            argv += ["--format", "raw", "--output", str(raw)]
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self.running.append((raw, process))

    def stop(self) -> list[tuple[list[str], int]]:
        for _, process in self.running:
            process.send_signal(signal.SIGINT)
        stacks = []
        for raw, process in self.running:
            _, errors = process.communicate(timeout=60)
            if raw.exists():
                stacks += parse(raw)
            elif errors:
                print(errors.decode(errors="replace"), file=sys.stderr)
        return stacks
