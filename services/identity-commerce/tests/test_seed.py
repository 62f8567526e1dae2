"""The demo accounts: created once, logged in with the documented passwords, idempotent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from shopkit.testing.database import TestDatabases
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

SERVICE_ROOT = Path(__file__).resolve().parents[1]


def run_seed(url: str) -> str:
    result = subprocess.run(
        [sys.executable, "scripts/seed.py"],
        cwd=SERVICE_ROOT,
        env={"IDENTITY_DATABASE_URL": url, "ENV": "test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


async def test_seed_is_idempotent_and_its_users_can_log_in(
    test_databases: TestDatabases, settings: Settings
) -> None:
    url = test_databases.clone("seed")
    first = run_seed(url)
    assert first.count("created") == 4  # three accounts, the shipping methods
    assert "shipping methods: created Standard and Express" in first
    second = run_seed(url)
    assert "created" not in second and "added" not in second
    assert second.count(": present") == 4

    app = create_app(settings.model_copy(update={"database_url": url}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://seed") as api,
    ):
        roles = {}
        for email, password in [
            ("admin@example.com", "Admin@123"),
            ("alice@example.com", "Alice@123"),
            ("bob@example.com", "Bob@123"),
        ]:
            login = await api.post("/auth/login", json={"email": email, "password": password})
            assert login.status_code == 200, (email, login.text)
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            roles[email] = (await api.get("/auth/me", headers=headers)).json()["role"]
            addresses = (await api.get("/addresses", headers=headers)).json()
            if email != "admin@example.com":
                assert [(a["kind"], a["is_default"], a["country"]) for a in addresses] == [
                    ("shipping", True, "US")
                ]
        assert roles == {
            "admin@example.com": "admin",
            "alice@example.com": "customer",
            "bob@example.com": "customer",
        }
        # the flat rule of the settings became "Standard", next to an "Express" example
        offered = (await api.get("/checkout/shipping-methods?country=FR", headers=headers)).json()
        assert [(m["name"], m["price"]) for m in offered] == [
            ("Standard", f"{settings.shipping_flat_rate:.2f}"),
            ("Express", "19.99"),
        ]


async def test_seeding_again_never_puts_back_a_changed_password_or_role(
    test_databases: TestDatabases,
) -> None:
    """SEED_ON_START runs the seed at every container start: an admin who changed the demo
    password (or was demoted) must not find `Admin@123` working again after a restart."""
    url = test_databases.clone("reseed")
    run_seed(url)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE users SET password_hash = 'changed-by-its-owner', role = 'customer'"
                    " WHERE email = 'admin@example.com'"
                )
            )
        assert run_seed(url).count(": present") == 4
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT password_hash, role FROM users WHERE email = 'admin@example.com'")
                )
            ).one()
    finally:
        await engine.dispose()
    assert tuple(row) == ("changed-by-its-owner", "customer")
