"""The demo accounts are data (seeding/data/demo_accounts.json) read by a typed loader: the
seed writes the same accounts and addresses as when they were Python literals, a malformed
file fails naming the account and the field, and the file ships inside the wheel."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from identity_commerce.seeding.demo_accounts import PACKAGED, load_demo_accounts
from shopkit.datafiles import DataFileError
from shopkit.testing.database import TestDatabases
from shopkit.testing.wheels import build_wheel

from tests.test_seed import run_seed

# What the seed wrote when the accounts were Python literals in scripts/seed.py.
SEEDED_USERS = [
    ("admin@example.com", "Ada", "Admin", None, "admin", True),
    ("alice@example.com", "Alice", "Martin", "+15105550142", "customer", True),
    ("bob@example.com", "Bob", "Smith", "+13125550187", "customer", True),
]
SEEDED_ADDRESSES = [
    (
        "alice@example.com",
        "shipping",
        "Alice Martin",
        "2150 Shattuck Ave",
        "Apt 704",
        "Berkeley",
        "CA",
        "94704",
        "US",
        "+15105550142",
        True,
    ),
    (
        "bob@example.com",
        "shipping",
        "Bob Smith",
        "1420 N Halsted St",
        None,
        "Chicago",
        "IL",
        "60642",
        "US",
        "+13125550187",
        True,
    ),
]


def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query).fetchall()


def test_the_seed_writes_the_same_accounts_as_before(test_databases: TestDatabases) -> None:
    url = test_databases.clone("demo_accounts")
    run_seed(url)
    users = _rows(
        url,
        "SELECT email, first_name, last_name, phone, role, is_active FROM users ORDER BY email",
    )
    addresses = _rows(
        url,
        "SELECT u.email, a.kind, a.full_name, a.line1, a.line2, a.city, a.state,"
        " a.postal_code, a.country, a.phone, a.is_default"
        " FROM addresses a JOIN users u ON u.id = a.user_id ORDER BY u.email, a.kind",
    )
    assert users == SEEDED_USERS
    assert addresses == SEEDED_ADDRESSES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(str(PACKAGED), copy)
    return copy


def _edit(directory: Path, index: int, **fields: Any) -> None:
    path = directory / "demo_accounts.json"
    accounts = json.loads(path.read_text())
    accounts[index].update(fields)
    path.write_text(json.dumps(accounts), encoding="utf-8")


@pytest.mark.parametrize(
    ("index", "fields", "expected"),
    [
        (
            0,
            {"email": "admin"},
            "demo_accounts.json: [0] (email admin): email: Value error, not a valid email address",
        ),
        (1, {"role": "root"}, "[1] (email alice@example.com): role: Input should be 'customer'"),
        (
            2,
            {"shipping": {"full_name": "Bob", "line1": "x", "city": "y", "postal_code": "1"}},
            "[2] (email bob@example.com): shipping.country: Field required",
        ),
        (1, {"phone": "call me"}, "[1] (email alice@example.com): phone: Value error, phone"),
        (2, {"passwd": "x"}, "[2] (email bob@example.com): passwd: Extra inputs"),
        (2, {"email": "ALICE@example.com"}, "email 'alice@example.com' appears 2 times"),
    ],
)
def test_a_malformed_account_fails_naming_it_and_the_field(
    data_dir: Path, index: int, fields: dict[str, Any], expected: str
) -> None:
    _edit(data_dir, index, **fields)
    with pytest.raises(DataFileError) as raised:
        load_demo_accounts(data_dir)
    assert any(expected in problem for problem in raised.value.problems), str(raised.value)


def test_the_accounts_file_ships_in_the_wheel(tmp_path: Path) -> None:
    wheel = build_wheel("identity-commerce", tmp_path)
    shipped = zipfile.ZipFile(wheel).read("identity_commerce/seeding/data/demo_accounts.json")
    assert shipped == (PACKAGED / "demo_accounts.json").read_bytes()
