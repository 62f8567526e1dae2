"""Seed catalog-fulfillment: demo catalog, stores and reviews (idempotent), optionally
followed by generated benchmark data.

    uv run python scripts/seed.py                                   # demo data
    uv run python scripts/seed.py --products 100000 --stores 100000 # + benchmark data

Uses CATALOG_DATABASE_URL (or PGHOST/PGPORT/...) like the service; run migrations first
(`uv run alembic upgrade head`). Refuses to run with ENV=production.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.seeding.demo import seed_demo
from catalog_fulfillment.seeding.generator import generate
from shopkit.db import Database
from shopkit.settings import refuse_seeding_in_production


async def seed(url: str) -> None:
    db = Database(url)
    try:
        async with db.sessionmaker() as session, session.begin():
            report = await seed_demo(session)
    finally:
        await db.dispose()
    print(
        f"demo data: {report.categories} categories, {report.products} products, "
        f"{report.variants} variants, {report.reviews} reviews, {report.stores} stores added"
    )


def main() -> None:
    refuse_seeding_in_production("catalog-fulfillment")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--products", type=int, default=0, help="generated products in total (benchmarks)"
    )
    parser.add_argument(
        "--stores", type=int, default=0, help="generated stores in total (benchmarks)"
    )
    args = parser.parse_args()
    if args.products < 0 or args.stores < 0:
        parser.error("counts must be >= 0")
    url = Settings().sqlalchemy_url
    started = time.monotonic()
    asyncio.run(seed(url))
    if args.products or args.stores:
        report = generate(url, products=args.products, stores=args.stores)
        print(
            f"generated: {report.products} products, {report.variants} variants, "
            f"{report.reviews} reviews, {report.stores} stores added"
        )
    print(f"done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
