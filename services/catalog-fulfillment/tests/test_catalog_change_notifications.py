"""What each kind of committed write tells the caches (NOTIFY catalog_changed): the scope
that lets every process drop just what the write made stale, and nothing for the stock
movements that change no listing (so checkouts do not queue on NOTIFY's commit lock)."""

from __future__ import annotations

import psycopg
from catalog_fulfillment.services.catalog_changes import CHANNEL, libpq_url
from shopkit.db import Database

from tests.factories import make_product, unique


async def test_each_committed_write_notifies_its_scope(fresh_database) -> None:
    url = await fresh_database("notify_scopes")
    db = Database(url)
    async with db.sessionmaker() as session, session.begin():
        sku = unique("NTF")
        product = await make_product(session, stock={sku: 2})
    writes = [
        ("UPDATE products SET rating_avg = 4.5, rating_count = 2 WHERE id = %(p)s", {"pages"}),
        ("UPDATE products SET min_price = 8, max_price = 8 WHERE id = %(p)s", {"catalog"}),
        ("UPDATE products SET name = 'Renamed' WHERE id = %(p)s", {"catalog"}),
        ("UPDATE products SET brand = 'B' WHERE id = %(p)s AND false", set()),  # no row
        ("UPDATE inventory SET reserved = 1 WHERE sku = %(s)s", set()),  # still in stock
        ("UPDATE inventory SET reserved = 2 WHERE sku = %(s)s", {"stock"}),  # sold out
        ("UPDATE inventory SET on_hand = 9 WHERE sku = %(s)s", {"stock"}),  # back in stock
        ("UPDATE variants SET price = 9 WHERE sku = %(s)s", {"catalog"}),
        ("UPDATE product_images SET alt = 'x' WHERE product_id = %(p)s", {"catalog"}),
        ("UPDATE products SET status = 'archived' WHERE id = %(p)s", {"catalog"}),
    ]
    try:
        async with (
            await psycopg.AsyncConnection.connect(libpq_url(url), autocommit=True) as listener,
            await psycopg.AsyncConnection.connect(libpq_url(url), autocommit=True) as writer,
        ):
            await listener.execute(f"LISTEN {CHANNEL}")
            for statement, expected in writes:
                await writer.execute(statement, {"p": product.id, "s": sku})
                heard = {n.payload async for n in listener.notifies(timeout=0.3)}
                assert heard == expected, statement
            # rolled back: nothing to forget
            async with writer.transaction(force_rollback=True):
                rename = "UPDATE products SET name = 'Nope' WHERE id = %(p)s"
                await writer.execute(rename, {"p": product.id})
            assert {n.payload async for n in listener.notifies(timeout=0.3)} == set()
    finally:
        await db.dispose()
