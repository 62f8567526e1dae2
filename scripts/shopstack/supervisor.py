"""Process supervision: each child in a process group of its own, its output kept in a log
(and echoed with a coloured prefix), ready when its ready URL answers 200, stopped with
TERM then KILL for the whole group, so nothing it started outlives it.

A child can be stopped and started again (the fault tests take services down and back up);
the pids of a stack's children are kept on disk, so a run whose owner died is cleaned up by
the next one."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from shopstack.console import StackError, paint, print_lock, say, warn

COLOURS = ["36", "35", "33", "32", "34", "91", "96"]


@dataclass
class Child:
    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    ready_url: str | None
    colour: str
    log_path: Path
    port: int | None = None
    echo: bool = False
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Start the process (with `env` as it is now) without waiting for it."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - argv built from fixed parts
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: we stop the whole group
        )
        self.reader = threading.Thread(
            target=self._pump, args=(self.process.stdout, log), daemon=True
        )
        self.reader.start()

    def start(self, timeout: float = 60.0) -> Child:
        """Start the process and wait until it is ready (again, after `stop()`)."""
        self.launch()
        try:
            wait_ready([self], timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _pump(self, stream: IO[bytes] | None, log: IO[bytes]) -> None:
        assert stream is not None
        prefix = paint(f"{self.name:<20}|", self.colour) + " "
        with log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()
                if self.echo:
                    line = raw.decode("utf-8", errors="replace").rstrip()
                    with print_lock:
                        print(prefix + line, flush=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        # the group may hold grandchildren (npm -> vite) that outlive their parent
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if self.reader is not None:
            self.reader.join(timeout=2)

    def kill(self) -> None:
        self.stop(sig=signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class ProcessSet:
    """Children of one stack; remembers their groups on disk so a crashed run is cleaned."""

    def __init__(self, run_dir: Path) -> None:
        self.children: list[Child] = []
        self.pid_file = run_dir / "pids.json"

    def add(self, child: Child) -> Child:
        child.launch()
        self.children.append(child)
        self._save()
        return child

    def _save(self) -> None:
        records = [
            {"pid": c.process.pid, "argv0": c.argv[0], "name": c.name}
            for c in self.children
            if c.process is not None
        ]
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.write_text(json.dumps({"owner": os.getpid(), "children": records}))

    def reap_leftovers(self) -> None:
        """Stop process groups left behind by an earlier run whose owner died."""
        try:
            data = json.loads(self.pid_file.read_text())
        except (OSError, ValueError):
            return
        if _pid_alive(int(data.get("owner", 0))):
            return
        for record in data.get("children", []):
            pid = int(record["pid"])
            cmdline = _cmdline(pid)
            if cmdline and record["argv0"] in cmdline:
                warn(f"stopping {record['name']} (pid {pid}) left over from an earlier run")
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGTERM)
                time.sleep(1)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        self.pid_file.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - local URL
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def wait_ready(children: Sequence[Child], timeout: float) -> None:
    """Wait until every child's ready URL answers 200; fail fast when one exits."""
    pending = {c.name: c for c in children if c.ready_url}
    deadline = time.monotonic() + timeout
    while pending:
        for name, child in list(pending.items()):
            if not child.alive():
                code = child.process.returncode if child.process else "?"
                raise StackError(
                    f"{name} exited with code {code} before it was ready; last log lines:\n"
                    + child.tail()
                )
            assert child.ready_url is not None
            status = http_status(child.ready_url)
            if status == 200:
                say(f"{name} is ready ({child.ready_url})")
                del pending[name]
        if not pending:
            return
        if time.monotonic() > deadline:
            details = "\n".join(
                f"--- {c.name} ({c.ready_url}) last log lines:\n{c.tail()}"
                for c in pending.values()
            )
            raise StackError(f"not ready after {timeout:.0f}s: {', '.join(pending)}\n{details}")
        time.sleep(0.2)


@contextlib.contextmanager
def run_lock(run_dir: Path, profile: str) -> Iterator[None]:
    """One stack per run folder: a second `up` of the same profile stops with a message."""
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackError(
                f"another `{profile}` stack is already running from this checkout"
            ) from None
        yield


class Stop(Exception):
    """A signal asked the stack to stop."""


def stop_on_signals() -> None:
    """TERM, HUP and INT (explicitly: a shell that starts us in the background ignores it)
    raise `Stop`, so the teardown in `finally` runs."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)


def _raise_stop(signum: int, _frame: Any) -> None:
    ignore_signals()  # a second signal must not interrupt the teardown
    raise Stop(signum)


def ignore_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
