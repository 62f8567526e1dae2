"""`/metrics` with two uvicorn workers (prometheus-client's multi-process mode): whichever
worker answers the scrape reports the requests both workers served."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from shopkit.testing.database import TestDatabases
from shopkit.testing.live import free_port, start_process, uvicorn_argv
from shopkit.testing.plugin import LiveProcesses

REQUESTS = 120


def health_requests(samples: list[tuple[str, dict[str, str], float]]) -> float:
    return sum(
        value
        for name, labels, value in samples
        if name == "http_requests_total" and labels.get("route") == "/health"
    )


def scraped(url: str) -> list[tuple[str, dict[str, str], float]]:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    ]


def per_worker(folder: Path) -> dict[str, float]:
    """/health requests as each worker's own file has them."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        metrics = MultiProcessCollector.merge([str(path)], accumulate=True)
        samples = [(s.name, s.labels, s.value) for m in metrics for s in m.samples]
        counts[path.stem.removeprefix("counter_")] = health_requests(samples)
    return counts


def test_two_workers_report_the_sum_of_their_requests(
    live_processes: LiveProcesses, test_databases: TestDatabases, tmp_path: Path
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    port = free_port()
    service = start_process(
        "notifications",
        uvicorn_argv("notifications.main:create_app", port, workers=2),
        port=port,
        env={
            "ENV": "test",
            "KEYS_DIR": str(live_processes.keys_dir),
            "NOTIFICATIONS_DATABASE_URL": test_databases.clone(f"mw{uuid.uuid4().hex[:8]}"),
            "NOTIFY_EMAIL_PROVIDER": "file",
            "NOTIFY_SMS_PROVIDER": "file",
            "NOTIFY_FILE_DIR": str(tmp_path / "mail"),
            "PROMETHEUS_MULTIPROC_DIR": str(folder),
        },
        log_dir=tmp_path,
        start=False,
    )
    live_processes.add(service)
    service.start(timeout=120)  # two workers importing at once on a busy machine
    before = health_requests(scraped(service.url))  # the start-up probes

    def one(_: int) -> int:
        # a new connection each time, so the kernel hands them to both workers
        return httpx.get(f"{service.url}/health", timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(one, range(REQUESTS))) == {200}

    served = {pid: n for pid, n in per_worker(folder).items() if n}
    assert len(served) == 2, served  # both workers served some
    for _ in range(6):  # several scrapes: answered by either worker, always the total
        assert health_requests(scraped(service.url)) == before + REQUESTS
