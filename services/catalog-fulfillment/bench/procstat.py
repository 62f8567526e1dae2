"""CPU time of the processes that serve a port and of their PostgreSQL backends (Linux /proc).

A latency on a shared two-core machine says as much about the neighbours as about the
code; the CPU time a request costs, summed over every process that worked on it, does not.
The service is found by its listening socket (uvicorn's supervisor and every worker hold
the same socket), the database backends by `pg_stat_activity` of its database.
"""

from __future__ import annotations

import os
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


class CpuMeter:
    """Snapshots before and after a phase; the difference is the CPU the phase cost.

    A backend that appears between two snapshots is counted from zero (it was started for
    the phase); one that ends in between is lost, which a connection pool makes rare.
    """

    def __init__(self, port: int, database_url: str | None) -> None:
        self.port = port
        self.database_url = database_url

    def snapshot(self) -> Snapshot:
        service = {pid: t for pid in pids_serving(self.port) if (t := cpu_ticks(pid)) is not None}
        database: dict[int, int] = {}
        if self.database_url:
            database = {
                pid: t
                for pid in backend_pids(self.database_url)
                if (t := cpu_ticks(pid)) is not None
            }
        return Snapshot(service, database, os.times().user + os.times().system)

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
