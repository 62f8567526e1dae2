"""Migration 0004 on existing data: ratings are recounted from verified purchases only,
verified reviews keep their answer, unverified ones are queued for a recheck (some were
stored while identity-commerce was down); the downgrade counts every review again."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
from shopkit.testing.database import run_alembic
from sqlalchemy.engine import make_url

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def alembic(database_url: str, action: str, revision: str) -> None:
    run_alembic(ALEMBIC_INI, database_url, action, revision)


def connect(database_url: str) -> psycopg.Connection:
    url = make_url(database_url).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def ratings_of(conn: psycopg.Connection, *ids: uuid.UUID) -> dict[uuid.UUID, tuple[str, int]]:
    rows = conn.execute(
        "SELECT id, rating_avg::text, rating_count FROM products WHERE id = ANY(%s)", (list(ids),)
    )
    return {pid: (avg, count) for pid, avg, count in rows.fetchall()}


async def test_upgrade_recounts_ratings_from_verified_reviews_and_queues_the_rest(
    fresh_database,
) -> None:
    url = await fresh_database("migration_0004")
    alembic(url, "downgrade", "0003")
    category, product, empty = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    verified_user, unverified_user = uuid.uuid4(), uuid.uuid4()
    with connect(url) as conn:
        conn.execute(
            "INSERT INTO categories (id, name, slug) VALUES (%s, 'Kettles', %s)",
            (category, f"kettles-{category.hex[:6]}"),
        )
        for pid, avg, count in ((product, "3.00", 2), (empty, "1.00", 1)):
            conn.execute(
                "INSERT INTO products (id, name, slug, category_id, rating_avg, rating_count)"
                " VALUES (%s, 'Kettle', %s, %s, %s, %s)",
                (pid, f"kettle-{pid.hex[:8]}", category, avg, count),
            )
        reviews = [
            (product, verified_user, 5, True),
            (product, unverified_user, 1, False),
            (empty, unverified_user, 1, False),
        ]
        for pid, user, stars, verified in reviews:
            conn.execute(
                "INSERT INTO reviews (id, product_id, user_id, author_name, rating, title,"
                " comment, verified_purchase) VALUES (%s, %s, %s, 'Ada', %s, 't', 'c', %s)",
                (uuid.uuid4(), pid, user, stars, verified),
            )

    alembic(url, "upgrade", "head")
    with connect(url) as conn:
        ratings = ratings_of(conn, product, empty)
        assert ratings == {product: ("5.00", 1), empty: ("0.00", 0)}
        checks = conn.execute(
            "SELECT user_id, product_id, verified FROM purchase_checks"
        ).fetchall()
        assert checks == [(verified_user, product, True)]
        due = conn.execute(
            "SELECT user_id, count(*) FROM reviews WHERE verification_due_at IS NOT NULL"
            " GROUP BY user_id"
        ).fetchall()
        assert due == [(unverified_user, 2)]

    alembic(url, "downgrade", "0003")
    with connect(url) as conn:
        ratings = ratings_of(conn, product, empty)
        assert ratings == {product: ("3.00", 2), empty: ("1.00", 1)}
