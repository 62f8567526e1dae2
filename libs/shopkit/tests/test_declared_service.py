"""A fourth service from its declaration alone: written into a temporary folder (a
declaration, settings, one model, one router, one migration and the few lines that hand them
to shopkit), it migrates its own database, passes the shared health checks, and runs as a
real uvicorn process on real PostgreSQL.

The folder holds exactly what docs/development.md says a new service needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import httpx
import pytest
from shopkit.service import ServiceDeclaration
from shopkit.settings import ServiceSettings
from shopkit.testing.database import create_database, drop_database
from shopkit.testing.plugin import LiveProcesses

FILES = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        asyncio_mode = "auto"
        asyncio_default_fixture_loop_scope = "session"
        asyncio_default_test_loop_scope = "session"
        addopts = "-p no:cacheprovider"
        """,
    "alembic.ini": """
        [alembic]
        script_location = %(here)s/migrations
        path_separator = os
        """,
    "migrations/env.py": """
        from kiosk.service import SERVICE

        SERVICE.run_migrations()
        """,
    "migrations/versions/20261201_0001_notes.py": """
        import sqlalchemy as sa
        from alembic import op

        revision = "0001"
        down_revision = None

        def upgrade() -> None:
            op.create_table(
                "notes",
                sa.Column("id", sa.Uuid(), primary_key=True),
                sa.Column("text", sa.String(200), nullable=False),
            )

        def downgrade() -> None:
            op.drop_table("notes")
        """,
    "src/kiosk/__init__.py": "",
    "src/kiosk/service.py": """
        from shopkit.service import ServiceDeclaration

        SERVICE = ServiceDeclaration(
            name="kiosk",
            port=8030,
            database_env="KIOSK_DATABASE_URL",
            title="Kiosk",
            description="Notes pinned at the shop's kiosk.",
        )
        """,
    "src/kiosk/main.py": """
        from kiosk.service import SERVICE

        create_app = SERVICE.create_app
        """,
    "src/kiosk/core/__init__.py": "",
    "src/kiosk/core/config.py": """
        from pydantic import AliasChoices, Field
        from shopkit.settings import ServiceSettings

        class Settings(ServiceSettings):
            service_name: str = "kiosk"
            default_database: str = "ecom_kiosk"
            database_url: str | None = Field(
                default=None, validation_alias=AliasChoices("KIOSK_DATABASE_URL", "database_url")
            )
        """,
    "src/kiosk/models.py": """
        from shopkit.db import UUIDPrimaryKey, new_base
        from sqlalchemy import String
        from sqlalchemy.orm import Mapped, mapped_column

        Base = new_base()

        class Note(UUIDPrimaryKey, Base):
            __tablename__ = "notes"
            text: Mapped[str] = mapped_column(String(200))
        """,
    "src/kiosk/api.py": """
        from fastapi import APIRouter
        from pydantic import BaseModel, Field
        from shopkit.db import SessionDep
        from sqlalchemy import func, select

        from kiosk.models import Note

        router = APIRouter(tags=["notes"])

        class NewNote(BaseModel):
            text: str = Field(min_length=1, max_length=200)

        @router.post("/notes", status_code=201)
        async def pin(body: NewNote, session: SessionDep) -> dict[str, str]:
            note = Note(text=body.text)
            session.add(note)
            await session.flush()
            return {"id": str(note.id), "text": note.text}

        @router.get("/notes/count")
        async def count(session: SessionDep) -> dict[str, int]:
            return {"notes": (await session.scalar(select(func.count(Note.id)))) or 0}

        routers = [router]
        """,
    "tests/__init__.py": "",
    "tests/conftest.py": """
        import pytest
        from kiosk.service import SERVICE
        from shopkit.testing import ServiceUnderTest

        @pytest.fixture(scope="session")
        def service_under_test() -> ServiceUnderTest:
            return ServiceUnderTest.declared(SERVICE)
        """,
    "tests/test_health.py": """
        from shopkit.testing.health import HealthChecks

        class TestHealth(HealthChecks):
            pass
        """,
}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fourth-service") / "kiosk"
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def kiosk_env(kiosk: Path, **extra: str) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(kiosk / "src"), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def declaration(kiosk: Path) -> ServiceDeclaration:
    sys.path.insert(0, str(kiosk / "src"))
    try:
        from kiosk.service import SERVICE  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(kiosk / "src"))
    assert isinstance(SERVICE, ServiceDeclaration)
    return SERVICE


def wait_until_ready(http: httpx.Client, timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while (answer := http.get("/health/ready")).status_code != 200:
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return answer


def test_its_own_tests_migrate_a_database_and_pass_the_shared_health_checks(kiosk: Path) -> None:
    result = subprocess.run(  # noqa: S603 - this interpreter, this folder
        [sys.executable, "-m", "pytest", "-q"],
        cwd=kiosk,
        env=kiosk_env(kiosk),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "6 passed" in result.stdout


def test_it_runs_as_a_real_process_on_its_migrated_database(
    kiosk: Path, live_processes: LiveProcesses
) -> None:
    server = ServiceSettings().sqlalchemy_url
    name = f"test_kiosk_{uuid.uuid4().hex[:8]}"
    url = create_database(server, name)
    try:
        service = declaration(kiosk)
        env = kiosk_env(kiosk, **{service.database_env: url})
        migrated = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=kiosk,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]

        live = live_processes.start_service(service, url, {"PYTHONPATH": env["PYTHONPATH"]})
        with httpx.Client(base_url=live.url, timeout=10) as http:
            assert http.get("/health").json() == {"status": "ok", "service": "kiosk"}
            # ready once it reaches its database (a shared test server may be busy a moment)
            assert wait_until_ready(http).json() == {"status": "ok", "database": "ok"}
            assert http.post("/notes", json={"text": "back at 2 pm"}).status_code == 201
            assert http.get("/notes/count").json() == {"notes": 1}
            assert http.post("/notes", json={"text": ""}).status_code == 422
            assert "/notes" in http.get("/openapi.json").json()["paths"]

            drop_database(server, name)  # the database goes away under the running service
            not_ready = http.get("/health/ready")
            assert not_ready.status_code == 503
            assert not_ready.headers["Retry-After"] == "5"
    finally:
        drop_database(server, name)
