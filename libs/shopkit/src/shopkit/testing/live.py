"""Start real processes (uvicorn services, localstripe) on free 127.0.0.1 ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(
    url: str, *, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last!r}")


@dataclass
class LiveService:
    """A running process; `stop()` and `start()` let fault tests take it down and back up."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    health_path: str = "/health"
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> LiveService:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - argv is built by the tests
            self.argv,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_http(self.url + self.health_path, timeout=timeout, process=self.process)
        except Exception:
            self.stop()
            raise
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def __enter__(self) -> LiveService:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_process(
    name: str,
    argv: list[str],
    *,
    port: int,
    env: dict[str, str] | None = None,
    health_path: str = "/health",
    log_dir: Path | None = None,
    start: bool = True,
) -> LiveService:
    service = LiveService(
        name=name,
        argv=argv,
        env={**os.environ, **(env or {})},
        port=port,
        health_path=health_path,
        log_path=(log_dir / f"{name}.log") if log_dir else None,
    )
    return service.start() if start else service


def uvicorn_argv(app_path: str, port: int, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app_path,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        # The app reads X-Forwarded-For itself, from FORWARDED_ALLOW_IPS proxies only
        # (identity_commerce.api.client_address); uvicorn must not rewrite the peer first.
        "--no-proxy-headers",
    ]
