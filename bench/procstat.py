"""CPU time of the processes that serve ports and of their PostgreSQL backends (Linux /proc).

A latency on a shared two-core machine says as much about the neighbours as about the
code; the CPU time a request costs, summed over every process that worked on it, does not.
A service is found by its listening socket (uvicorn's supervisor and every worker hold
the same socket), the database backends by `pg_stat_activity` of each database.

Shared by the catalog bench (one service and its database) and the checkout bench (every
process of the shop: three services, localstripe and the backends of three databases).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def pids_serving(port: int) -> list[int]:
    """Every process holding the listening socket of `port` (supervisor and workers)."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:
            continue
        if links & wanted:
            pids.append(int(entry.name))
    return sorted(pids)


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU of a process (all its threads), in clock ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def backend_pids(database_url: str) -> list[int]:
    """PostgreSQL backends connected to the database of `database_url` (not this one)."""
    import psycopg

    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class Snapshot:
    service: dict[int, int]
    database: dict[int, int]
    client_seconds: float
    by_port: dict[int, dict[int, int]]


class CpuMeter:
    """Snapshots before and after a phase; the difference is the CPU the phase cost.

    A backend that appears between two snapshots is counted from zero (it was started for
    the phase); one that ends in between is lost, which a connection pool makes rare.
    """

    def __init__(self, port: int | Sequence[int], database_url: str | Sequence[str] | None) -> None:
        self.ports = [port] if isinstance(port, int) else list(port)
        if database_url is None:
            self.database_urls: list[str] = []
        elif isinstance(database_url, str):
            self.database_urls = [database_url]
        else:
            self.database_urls = list(database_url)

    def snapshot(self) -> Snapshot:
        by_port = {
            port: {pid: t for pid in pids_serving(port) if (t := cpu_ticks(pid)) is not None}
            for port in self.ports
        }
        service = {pid: t for ticks in by_port.values() for pid, t in ticks.items()}
        database = {
            pid: t
            for url in self.database_urls
            for pid in backend_pids(url)
            if (t := cpu_ticks(pid)) is not None
        }
        return Snapshot(service, database, os.times().user + os.times().system, by_port)

    @staticmethod
    def _spent_ms(before: dict[int, int], after: dict[int, int]) -> float:
        ticks = sum(t - before.get(pid, 0) for pid, t in after.items())
        return ticks * 1000 / TICKS_PER_SECOND

    def spent(self, before: Snapshot, after: Snapshot) -> dict[str, float]:
        service = self._spent_ms(before.service, after.service)
        database = self._spent_ms(before.database, after.database)
        return {
            "service_ms": service,
            "database_ms": database,
            "total_ms": service + database,
            "client_ms": (after.client_seconds - before.client_seconds) * 1000,
        }

    def spent_by_port(self, before: Snapshot, after: Snapshot) -> dict[int, float]:
        """CPU ms of the processes behind each port (which service cost what)."""
        return {
            port: self._spent_ms(before.by_port.get(port, {}), ticks)
            for port, ticks in after.by_port.items()
        }


def machine_cpu_ms() -> float:
    """CPU time every process of the machine spent, since boot (the /proc/stat total
    minus idle and iowait): a phase's share of the machine, whoever spent it."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    values = [int(v) for v in fields[:8]]
    busy = sum(values) - values[3] - values[4]  # idle, iowait
    return busy * 1000 / TICKS_PER_SECOND
