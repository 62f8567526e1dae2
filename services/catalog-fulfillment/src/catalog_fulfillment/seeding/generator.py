# ruff: noqa: S311  (seeded random makes demo data reproducible; nothing secret here)
"""Benchmark data: up to N generated products (with variants, stock, images and reviews)
and N generated stores, loaded with COPY in one transaction.

Generated rows are numbered (`gen-000123-...` slugs, `G000123-...` skus, `Outlet #123`
stores) and built from a seeded random generator, so a second run with the same N adds
nothing, and a larger N adds only the missing ones.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg

from catalog_fulfillment.seeding.demo import NAMESPACE, SeedReport
from catalog_fulfillment.seeding.demo_data import demo_catalog

# noun -> (category slug, icon, low price, high price, variant axis, axis values)
NOUNS: dict[str, tuple[str, str, int, int, str, list[str]]] = {
    "Laptop": (
        "laptops",
        "laptop",
        499,
        2999,
        "memory / storage",
        ["8 GB / 256 GB", "16 GB / 512 GB", "32 GB / 1 TB"],
    ),
    "Notebook": (
        "laptops",
        "laptop",
        399,
        1999,
        "memory / storage",
        ["8 GB / 256 GB", "16 GB / 512 GB"],
    ),
    "Smartphone": ("phones", "phone", 199, 1299, "storage", ["128 GB", "256 GB", "512 GB"]),
    "Headphones": ("audio", "headphones", 39, 499, "colour", ["Black", "White", "Navy"]),
    "Earbuds": ("audio", "headphones", 29, 299, "colour", ["Black", "White"]),
    "Speaker": ("audio", "speaker", 39, 399, "colour", ["Black", "Grey", "Red"]),
    "Camera": ("cameras", "camera", 299, 2999, "kit", ["Body only", "With kit lens"]),
    "Smartwatch": ("wearables", "watch", 99, 799, "case", ["41 mm", "45 mm"]),
    "T-Shirt": ("tops", "tshirt", 12, 49, "size", ["S", "M", "L", "XL"]),
    "Sweater": ("tops", "tshirt", 39, 149, "size", ["S", "M", "L", "XL"]),
    "Jacket": ("outerwear", "jacket", 59, 399, "size", ["S", "M", "L", "XL"]),
    "Parka": ("outerwear", "jacket", 129, 499, "size", ["S", "M", "L"]),
    "Running Shoes": ("shoes", "shoe", 59, 199, "size", ["EU 40", "EU 42", "EU 44", "EU 46"]),
    "Boots": ("shoes", "shoe", 79, 299, "size", ["EU 40", "EU 42", "EU 44"]),
    "Coffee Grinder": ("coffee-tea", "mug", 29, 399, "colour", ["Black", "Steel"]),
    "Kettle": ("coffee-tea", "mug", 19, 199, "colour", ["Black", "White", "Steel"]),
    "Mug": ("coffee-tea", "mug", 8, 49, "colour", ["White", "Blue", "Green"]),
    "Frying Pan": ("cookware", "pan", 19, 249, "diameter", ["20 cm", "24 cm", "28 cm"]),
    "Desk Lamp": ("lighting", "lamp", 19, 299, "colour", ["Black", "White", "Brass"]),
    "Tent": ("camping", "tent", 79, 899, "capacity", ["1 person", "2 person", "3 person"]),
    "Sleeping Bag": ("camping", "tent", 49, 499, "length", ["Regular", "Long"]),
    "Backpack": ("backpacks", "backpack", 29, 299, "colour", ["Black", "Grey", "Olive"]),
    "Novel": ("fiction", "book", 8, 35, "format", ["Paperback", "Hardcover"]),
    "Handbook": ("non-fiction", "book", 15, 79, "format", ["Paperback", "Hardcover"]),
}
BRANDS = [
    "Aurora",
    "Kestrel",
    "Nordhavn",
    "Vireo",
    "Solace",
    "Ironbark",
    "Lumen",
    "Cobalt",
    "Marlow",
    "Tessera",
    "Brightwater",
    "Halcyon",
    "Quill",
    "Redwood",
    "Sable",
    "Tundra",
    "Verve",
    "Zephyr",
]
ADJECTIVES = [
    "Ultralight",
    "Pro",
    "Classic",
    "Compact",
    "Wireless",
    "Everyday",
    "Premium",
    "Rugged",
    "Essential",
    "Advanced",
    "Slim",
    "Heritage",
    "Performance",
    "Urban",
    "Alpine",
    "Studio",
]
FEATURES = [
    "a long-lasting battery",
    "recycled materials",
    "a two-year warranty",
    "water resistance",
    "a lightweight build",
    "fast charging",
    "a minimalist design",
    "reinforced seams",
    "premium materials",
    "a comfortable fit",
    "a modular design",
    "low noise",
]
# Extra cities (name, country, lat, lng) to spread generated stores around the world.
EXTRA_CITIES = [
    ("Lisbon", "PT", 38.7223, -9.1393),
    ("Dublin", "IE", 53.3498, -6.2603),
    ("Copenhagen", "DK", 55.6761, 12.5683),
    ("Oslo", "NO", 59.9139, 10.7522),
    ("Warsaw", "PL", 52.2297, 21.0122),
    ("Prague", "CZ", 50.0755, 14.4378),
    ("Budapest", "HU", 47.4979, 19.0402),
    ("Athens", "GR", 37.9838, 23.7275),
    ("Istanbul", "TR", 41.0082, 28.9784),
    ("Cairo", "EG", 30.0444, 31.2357),
    ("Nairobi", "KE", -1.2921, 36.8219),
    ("Johannesburg", "ZA", -26.2041, 28.0473),
    ("Dubai", "AE", 25.2048, 55.2708),
    ("Mumbai", "IN", 19.0760, 72.8777),
    ("Delhi", "IN", 28.7041, 77.1025),
    ("Bangkok", "TH", 13.7563, 100.5018),
    ("Singapore", "SG", 1.3521, 103.8198),
    ("Hong Kong", "HK", 22.3193, 114.1694),
    ("Seoul", "KR", 37.5665, 126.9780),
    ("Shanghai", "CN", 31.2304, 121.4737),
    ("Osaka", "JP", 34.6937, 135.5023),
    ("Melbourne", "AU", -37.8136, 144.9631),
    ("Auckland", "NZ", -36.8485, 174.7633),
    ("Mexico City", "MX", 19.4326, -99.1332),
    ("Sao Paulo", "BR", -23.5505, -46.6333),
    ("Buenos Aires", "AR", -34.6037, -58.3816),
    ("Bogota", "CO", 4.7110, -74.0721),
    ("Lima", "PE", -12.0464, -77.0428),
    ("Vancouver", "CA", 49.2827, -123.1207),
    ("Miami", "US", 25.7617, -80.1918),
    ("Denver", "US", 39.7392, -104.9903),
    ("Atlanta", "US", 33.7490, -84.3880),
]


def libpq_conninfo(sqlalchemy_url: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url)
    parts = {
        "dbname": url.database or "",
        "user": url.username or "postgres",
        "password": url.password or "",
        "host": str(url.query.get("host") or url.host or "127.0.0.1"),
        "port": str(url.query.get("port") or url.port or 5432),
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    whole = rng.randint(low, high)
    return Decimal(whole) + rng.choice(
        [Decimal("0.00"), Decimal("0.49"), Decimal("0.95"), Decimal("0.99")]
    )


def generate_products(conn: psycopg.Connection, target: int) -> SeedReport:
    report = SeedReport()
    existing = conn.execute("SELECT count(*) FROM products WHERE slug LIKE 'gen-%'").fetchone()
    start = int(existing[0]) if existing else 0
    if start >= target:
        return report
    categories: dict[str, uuid.UUID] = dict(
        conn.execute("SELECT slug, id FROM categories").fetchall()  # type: ignore[arg-type]
    )
    missing = {c for c, *_ in NOUNS.values()} - set(categories)
    if missing:
        raise RuntimeError(f"seed the demo categories first (missing {sorted(missing)})")
    nouns = list(NOUNS)
    catalog = demo_catalog()
    names, texts = catalog.reviewer_names, catalog.review_texts
    now = datetime.now(UTC)
    products, images, variants, stock, reviews = [], [], [], [], []
    for i in range(start, target):
        rng = random.Random(i)
        noun = rng.choice(nouns)
        category, icon, low, high, axis, values = NOUNS[noun]
        brand = rng.choice(BRANDS)
        model = f"{rng.choice('ABCDEFGHKMRSTVX')}{rng.randint(10, 999)}"
        name = f"{brand} {rng.choice(ADJECTIVES)} {noun} {model}"
        product_id = uuid.uuid5(NAMESPACE, f"gen-product:{i}")
        description = (
            f"The {name} is a {noun.lower()} by {brand} with {rng.choice(FEATURES)} "
            f"and {rng.choice(FEATURES)}. Designed for everyday use."
        )
        chosen = values[: rng.randint(1, len(values))]
        base = _money(rng, low, high)
        prices = []
        for position, value in enumerate(chosen):
            sku = f"G{i:06d}-{position + 1}"
            price = base + Decimal(position * rng.choice([0, 0, 10, 20, 50]))
            prices.append(price)
            variants.append(
                (
                    uuid.uuid5(NAMESPACE, f"gen-variant:{sku}"),
                    product_id,
                    sku,
                    value,
                    json.dumps({axis: value}),
                    price,
                    position,
                )
            )
            roll = rng.random()
            on_hand = 0 if roll < 0.08 else rng.randint(1, 4) if roll < 0.2 else rng.randint(5, 500)
            stock.append((sku, on_hand, 5))
        ratings = [
            rng.choices([5, 4, 3, 2, 1], weights=[40, 30, 15, 9, 6])[0]
            for _ in range(rng.randint(0, 5))
        ]
        counted = []  # the rating counts verified-purchase reviews only
        for n, rating in enumerate(ratings):
            written = rng.choice(texts[rating])
            verified = rng.random() < 0.6
            reviews.append(
                (
                    uuid.uuid5(NAMESPACE, f"gen-review:{i}:{n}"),
                    product_id,
                    uuid.uuid5(NAMESPACE, f"gen-user:{i}:{n}"),
                    names[(i + n) % len(names)],
                    rating,
                    written.title,
                    written.comment,
                    verified,
                    now - timedelta(days=rng.randint(1, 700)),
                )
            )
            if verified:
                counted.append(rating)
        average = (
            (Decimal(sum(counted)) / len(counted)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if counted
            else Decimal("0")
        )
        created = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        products.append(
            (
                product_id,
                name,
                f"gen-{i:06d}-{noun.lower().replace(' ', '-')}",
                description,
                brand,
                categories[category],
                "active",
                "USD",
                min(prices),
                max(prices),
                average,
                len(counted),
                created,
                created,
            )
        )
        images.append(
            (
                uuid.uuid5(NAMESPACE, f"gen-image:{i}"),
                product_id,
                f"/static/products/{icon}.svg",
                name,
                0,
            )
        )

    with conn.cursor() as cur:
        _copy(
            cur,
            "products",
            (
                "id",
                "name",
                "slug",
                "description",
                "brand",
                "category_id",
                "status",
                "currency",
                "min_price",
                "max_price",
                "rating_avg",
                "rating_count",
                "created_at",
                "updated_at",
            ),
            products,
        )
        _copy(cur, "product_images", ("id", "product_id", "url", "alt", "position"), images)
        _copy(
            cur,
            "variants",
            ("id", "product_id", "sku", "name", "attributes", "price", "position"),
            variants,
        )
        _copy(cur, "inventory", ("sku", "on_hand", "reorder_level"), stock)
        _copy(
            cur,
            "reviews",
            (
                "id",
                "product_id",
                "user_id",
                "author_name",
                "rating",
                "title",
                "comment",
                "verified_purchase",
                "created_at",
            ),
            reviews,
        )
    report.products, report.variants, report.reviews = len(products), len(variants), len(reviews)
    return report


def generate_stores(conn: psycopg.Connection, target: int) -> int:
    existing = conn.execute("SELECT count(*) FROM stores WHERE name LIKE '% Outlet #%'").fetchone()
    start = int(existing[0]) if existing else 0
    if start >= target:
        return 0
    catalog = demo_catalog()
    cities = [(s.city, s.country, s.lat, s.lng) for s in catalog.stores] + EXTRA_CITIES
    rows = []
    for i in range(start, target):
        rng = random.Random(f"store:{i}")
        city, country, lat, lng = rng.choice(cities)
        # Within roughly 40 km of the city centre.
        point_lat = max(-90.0, min(90.0, lat + rng.uniform(-0.36, 0.36)))
        point_lng = ((lng + rng.uniform(-0.5, 0.5) + 180) % 360) - 180
        rows.append(
            (
                uuid.uuid5(NAMESPACE, f"gen-store:{i}"),
                f"Shop {city} Outlet #{i}",
                f"{rng.randint(1, 999)} Market Street",
                city,
                None,
                f"{rng.randint(10000, 99999)}",
                country,
                round(point_lat, 6),
                round(point_lng, 6),
                f"+1 555 {rng.randint(1000000, 9999999)}",
                json.dumps(catalog.opening_hours),
            )
        )
    with conn.cursor() as cur:
        _copy(
            cur,
            "stores",
            (
                "id",
                "name",
                "address",
                "city",
                "region",
                "postal_code",
                "country",
                "lat",
                "lng",
                "phone",
                "opening_hours",
            ),
            rows,
        )
    return len(rows)


def _copy(
    cur: psycopg.Cursor[Any], table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(sqlalchemy_url: str, *, products: int, stores: int) -> SeedReport:
    with psycopg.connect(libpq_conninfo(sqlalchemy_url)) as conn:
        report = generate_products(conn, products) if products else SeedReport()
        report.stores = generate_stores(conn, stores) if stores else 0
        conn.commit()
        conn.autocommit = True
        for table in ("products", "variants", "inventory", "product_images", "reviews", "stores"):
            conn.execute(f"VACUUM ANALYZE {table}")  # index-only scans need the visibility map
    return report
