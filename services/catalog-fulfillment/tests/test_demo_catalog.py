"""The demo catalog is data (seeding/data/*.json, *.csv) read by a typed loader: the seed
writes exactly the rows it wrote when the data was Python literals, a malformed file fails
naming the file and the field, and the files ship inside the wheel."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from catalog_fulfillment.seeding.demo import seed_demo
from catalog_fulfillment.seeding.demo_data import PACKAGED, demo_catalog, load_demo_catalog
from catalog_fulfillment.seeding.generator import generate
from shopkit.datafiles import DataFileError
from shopkit.db import Database
from shopkit.testing.wheels import build_wheel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.test_seed import run_demo_seed

# Every seeded row, minus the clock: timestamps become whole days before the seed's "now".
ROWS = {
    "categories": "SELECT to_jsonb(c) FROM categories c ORDER BY id",
    "products": """
        SELECT to_jsonb(p) - 'search_vector'
               || jsonb_build_object('age_days', extract(day FROM p.updated_at - p.created_at))
          FROM products p ORDER BY id""",
    "product_images": "SELECT to_jsonb(i) FROM product_images i ORDER BY id",
    "variants": "SELECT to_jsonb(v) FROM variants v ORDER BY id",
    "inventory": "SELECT to_jsonb(i) FROM inventory i ORDER BY sku",
    "reviews": """
        SELECT to_jsonb(r) || jsonb_build_object('age_days', round(extract(epoch FROM
                 (SELECT max(updated_at) FROM products) - r.created_at) / 86400))
          FROM reviews r ORDER BY id""",
    "stores": "SELECT to_jsonb(s) FROM stores s ORDER BY id",
}
CLOCK = {"created_at", "updated_at"}

# (rows, sha256 of the rows above) as the seed wrote them when the demo catalog was Python
# literals. A deliberate change to the demo data changes these too: update them with it.
DEMO_ROWS = {
    "categories": (20, "0d32d4a06fa94e5a91e1e5208328be37eba2aa8115741e0ab11458aa3ae3b0ba"),
    "products": (66, "88870ea6172482b290de14b5f182d772dc24974c48f4ba05ca1bd511d9e2e260"),
    "product_images": (66, "d55aa83d74c245a59ae006393d17fc34ee9dd46c078b4231ea06902580afbdba"),
    "variants": (201, "3b99130ffdf115048aba4b8353db70cf8768f5dcb75cf3d6ca676fecd2fbf1eb"),
    "inventory": (201, "1f4defe7da9d47c3de274adb831c2dbe7ce219f4e1345be17d53735bbfe6129d"),
    "reviews": (210, "bc9c1ba2226c321055102f08539adaece9eb7c13a982ec1bcc98fdfaedd20c8d"),
    "stores": (28, "ae4fb49af1ccd55eba78ee47385e68442367dd036ddd14352397fbd02b00046f"),
}
# The same after `generate(products=40, stores=40)`: the generator draws its cities, opening
# hours, reviewer names and review texts from the demo data.
GENERATED_ROWS = {
    "categories": (20, "0d32d4a06fa94e5a91e1e5208328be37eba2aa8115741e0ab11458aa3ae3b0ba"),
    "products": (106, "249285b681485bc6db5775abd2c130afb81f06b99ec45c887481c45771eb990c"),
    "product_images": (106, "7c7763aa90d0a0e621f6b05106c84c50fa05cbcdf660afbb46493f81e86d6761"),
    "variants": (271, "8200d3185d74af5797369c00b9c32005c567e2fd5b891c35af06e0c13a81b347"),
    "inventory": (271, "8e5a9d3dbc7ae57ed55cdd804d6882e65a5a6a5f2e3a9cc1338ab49a92ae819c"),
    "reviews": (312, "a2b53a61f6b1bde0a0efed4e0f22642a88b6fdad3a1f3e72416731f2d1999721"),
    "stores": (68, "ba43de7eb03983fd7fd9dda9bcadc29e3534a3ab88367b3f52470da5624c73f3"),
}


def _without_clock(row: dict[str, object]) -> dict[str, object]:
    return {column: value for column, value in row.items() if column not in CLOCK}


async def seeded_rows(url: str) -> dict[str, tuple[int, str]]:
    db = Database(url)
    fingerprint = {}
    try:
        async with db.engine.connect() as conn:
            for table, query in ROWS.items():
                rows = (await conn.execute(text(query))).scalars().all()
                lines = "\n".join(json.dumps(_without_clock(row), sort_keys=True) for row in rows)
                fingerprint[table] = (len(rows), hashlib.sha256(lines.encode()).hexdigest())
    finally:
        await db.dispose()
    return fingerprint


async def test_the_seed_writes_the_same_rows_as_before(fresh_database) -> None:
    url = await fresh_database("demo_rows")
    await run_demo_seed(url)
    assert await seeded_rows(url) == DEMO_ROWS


async def test_the_generator_draws_the_same_rows_from_the_demo_data(fresh_database) -> None:
    url = await fresh_database("generated_rows")
    await run_demo_seed(url)
    await asyncio.to_thread(generate, url, products=40, stores=40)
    assert await seeded_rows(url) == GENERATED_ROWS


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the packaged data files to edit."""
    copy = tmp_path / "data"
    shutil.copytree(str(PACKAGED), copy)
    return copy


def _edit_json(name: str, change: Callable[[Any], Any]) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / name
        path.write_text(json.dumps(change(json.loads(path.read_text()))), encoding="utf-8")

    return edit


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / name
        content = path.read_text(encoding="utf-8")
        assert old in content
        path.write_text(content.replace(old, new, 1), encoding="utf-8")

    return edit


def _set_product(index: int, **fields: object) -> Callable[[Any], Any]:
    def change(products: Any) -> Any:
        products[index].update(fields)
        return products

    return change


MALFORMED = {
    "price that is not a number": (
        _edit_json("products.json", _set_product(0, price="cheap")),
        "products.json: [0] (sku MBA13): price: Input should be a valid decimal",
    ),
    "misspelt field": (
        _edit_json("products.json", _set_product(2, prise="1.00")),
        "products.json: [2] (sku XPS13): prise: Extra inputs are not permitted",
    ),
    "unknown category": (
        _edit_json("products.json", _set_product(1, category="laptop")),
        "products.json: sku MBP14: category: 'laptop' is not in categories.csv",
    ),
    "missing picture": (
        _edit_json("products.json", _set_product(0, icon="spaceship")),
        "products.json: sku MBA13: icon: no static/products/spaceship.svg",
    ),
    "price step on a later axis": (
        _edit_json(
            "products.json",
            _set_product(
                0,
                axes=[
                    {"attribute": "colour", "options": ["Midnight", "Starlight"]},
                    {
                        "attribute": "memory",
                        "options": ["8 GB", {"value": "16 GB", "price_step": 200}],
                    },
                ],
            ),
        ),
        "products.json: sku MBA13: axes.1.options: only the first axis may add to the price",
    ),
    "duplicate sku": (
        _edit_json("products.json", _set_product(1, sku="MBA13")),
        "products.json: sku 'MBA13' appears 2 times",
    ),
    "broken JSON": (
        _replace("products.json", '"sku": "MBA13",', '"sku": "MBA13"'),
        "products.json: not valid JSON: ",
    ),
    "latitude off the globe": (
        _replace("stores.csv", "40.7568,-73.978", "140.7568,-73.978"),
        "stores.csv: line 2: lat: Input should be less than or equal to 90",
    ),
    "blank required cell": (
        _replace("stores.csv", ",Brooklyn,NY,", ",,NY,"),
        "stores.csv: line 3: city: Field required",
    ),
    "missing cell": (
        _replace("stores.csv", ",+1 718 555 0107", ""),
        "stores.csv: line 3: expected 9 cells",
    ),
    "renamed column": (
        _replace("stores.csv", "name,address,city", "name,street,city"),
        "stores.csv: the header must be name,address,city,region",
    ),
    "grandchild category": (
        _replace("categories.csv", "phones,Phones,electronics", "phones,Phones,laptops"),
        "categories.csv: phones: parent: 'laptops' is not a top-level category",
    ),
    "opening hours without sunday": (
        _edit_json("opening_hours.json", lambda hours: {**hours, "sun": None}),
        "opening_hours.json: sun: Input should be a valid string",
    ),
    "rating out of range": (
        _edit_json(
            "reviews.json", lambda r: {**r, "texts_by_rating": {**r["texts_by_rating"], "6": []}}
        ),
        "reviews.json: texts_by_rating.6.[key]: Input should be less than or equal to 5",
    ),
    "missing file": (
        lambda directory: (directory / "reviews.json").unlink(),
        "reviews.json: cannot be read (FileNotFoundError)",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_fails_naming_the_file_and_the_field(data_dir: Path, case: str) -> None:
    edit, expected = MALFORMED[case]
    edit(data_dir)
    with pytest.raises(DataFileError) as raised:
        load_demo_catalog(data_dir)
    assert any(problem.startswith(expected) for problem in raised.value.problems), str(raised.value)


def test_every_problem_is_reported_at_once(data_dir: Path) -> None:
    _edit_json("products.json", _set_product(0, price="cheap"))(data_dir)
    _replace("stores.csv", "40.7568,-73.978", "140.7568,-73.978")(data_dir)
    with pytest.raises(DataFileError) as raised:
        load_demo_catalog(data_dir)
    assert len(raised.value.problems) == 2
    assert "products.json: [0] (sku MBA13): price" in str(raised.value)
    assert "stores.csv: line 2: lat" in str(raised.value)


async def test_the_seed_writes_what_the_files_say(data_dir: Path, db_session: AsyncSession) -> None:
    """The seed holds no data of its own: a product added to products.json is seeded, with
    a variant per combination of its options priced from the first axis."""
    product = {
        "sku": "TESTKIT",
        "name": "Test Kit",
        "brand": "Acme",
        "category": "camping",
        "price": "10.00",
        "icon": "tent",
        "axes": [
            {"attribute": "size", "options": ["S", {"value": "L", "price_step": "2.50"}]},
            {"attribute": "colour", "options": ["Red", "Blue"]},
        ],
    }
    _edit_json("products.json", lambda products: [product])(data_dir)
    report = await seed_demo(db_session, load_demo_catalog(data_dir))
    assert (report.products, report.variants, report.stores) == (1, 4, 28)
    variants = (
        await db_session.execute(
            text(
                "SELECT v.sku, v.price FROM variants v JOIN products p ON p.id = v.product_id"
                " WHERE p.slug = 'test-kit' ORDER BY v.position"
            )
        )
    ).all()
    assert [(sku, str(price)) for sku, price in variants] == [
        ("TESTKIT-S-RED", "10.00"),
        ("TESTKIT-S-BLUE", "10.00"),
        ("TESTKIT-L-RED", "12.50"),
        ("TESTKIT-L-BLUE", "12.50"),
    ]


def test_the_data_files_ship_in_the_wheel(tmp_path: Path) -> None:
    """An installed wheel (no source tree) loads the same demo catalog."""
    wheel = build_wheel("catalog-fulfillment", tmp_path)
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "import json, catalog_fulfillment\n"
        "from catalog_fulfillment.seeding.demo_data import demo_catalog\n"
        "c = demo_catalog()\n"
        "print(json.dumps([catalog_fulfillment.__file__, len(c.categories), len(c.products),"
        " len(c.stores), len(c.reviewer_names)]))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=installed,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    module_file, *counts = json.loads(loaded.stdout)
    assert module_file.startswith(str(installed))
    packaged = demo_catalog()
    assert counts == [
        len(packaged.categories),
        len(packaged.products),
        len(packaged.stores),
        len(packaged.reviewer_names),
    ]
