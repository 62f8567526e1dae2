"""Run a service under uvicorn and log every SQL statement it sends, tagged with the
request id (X-Request-ID travels from identity-commerce to catalog-fulfillment), so a test
can count the statements one request cost across both services.

Usage: python sql_counting_uvicorn.py <package.main:create_app> <port> <statements.log>
"""

import sys

import uvicorn
from shopkit.observability import current_request_id
from sqlalchemy import event
from sqlalchemy.engine import Engine

if __name__ == "__main__":
    app_path, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process lifetime

    @event.listens_for(Engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        log.write(f"{current_request_id() or '-'}\t{' '.join(statement.split())[:500]}\n")

    # proxy_headers=False: the app reads X-Forwarded-For itself (FORWARDED_ALLOW_IPS only).
    uvicorn.run(
        app_path,
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        proxy_headers=False,
    )
