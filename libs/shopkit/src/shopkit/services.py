"""The services of this installation: every declaration registered under the
`shopkit.services` entry point group (a service's pyproject.toml), in start order.

The one list the Makefile, `scripts/` and the compose check read:

    python -m shopkit.services list     # names, one a line, in start order
    python -m shopkit.services json     # name, package, port, database, ... of each

Reading it imports each service's `service.py` only (declarations name their code by
reference), so it costs no more than the entry point look-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from importlib.metadata import entry_points

from shopkit.service import ServiceDeclaration

ENTRY_POINT_GROUP = "shopkit.services"


def registered_services() -> list[ServiceDeclaration]:
    """Every registered declaration, each after the services it depends on (then by name)."""
    declared: dict[str, ServiceDeclaration] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        service = entry.load()
        if not isinstance(service, ServiceDeclaration):
            raise TypeError(f"entry point {entry.name} = {entry.value} is not a ServiceDeclaration")
        declared[service.name] = service
    return in_start_order(declared.values())


def in_start_order(services: Iterable[ServiceDeclaration]) -> list[ServiceDeclaration]:
    """Each after its dependencies, otherwise by name; an unknown or circular dependency
    is an error."""
    pending = {s.name: s for s in services}
    ordered: list[ServiceDeclaration] = []
    placed: set[str] = set()
    while pending:
        ready = [n for n, s in sorted(pending.items()) if set(s.depends_on) <= placed]
        if not ready:
            raise ValueError(f"services whose dependencies cannot start first: {sorted(pending)}")
        ordered.append(pending.pop(ready[0]))
        placed.add(ready[0])
    return ordered


def service_named(name: str) -> ServiceDeclaration:
    for service in registered_services():
        if service.name == name:
            return service
    raise KeyError(f"no service named {name!r} is registered")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopkit.services")
    parser.add_argument("format", choices=["list", "json"], help="names, or all they declare")
    args = parser.parse_args(argv)
    services = registered_services()
    if args.format == "list":
        print("\n".join(s.name for s in services))
    else:
        print(json.dumps([s.summary() for s in services], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
