"""The demo catalog, read from the files in `seeding/data/` and checked on the way in.

The files are data, not code, and ship inside the package (a wheel-installed service
seeds the same rows as a checkout):

- `categories.csv`: the two-level category tree (a child names its parent's slug);
- `products.json`: real-world products and their variant axes;
- `stores.csv`: stores in real cities at their real coordinates;
- `opening_hours.json`: the week every store keeps;
- `reviews.json`: reviewer first names and review texts by rating.

A product lists its variant axes; every combination becomes one sku. Only the first axis
may carry a price step (a bigger SSD costs more), so a step on another axis is refused
rather than silently ignored. Anything malformed stops the load with a
`shopkit.datafiles.DataFileError` that names the file, the record and the field of every
problem at once.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from shopkit.datafiles import DataFiles

from catalog_fulfillment.services.slugs import slugify

PACKAGED = files("catalog_fulfillment.seeding") / "data"
ICONS = files("catalog_fulfillment") / "static" / "products"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _text(max_length: int) -> Any:
    return StringConstraints(min_length=1, max_length=max_length)


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=140)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DemoCategory(_Record):
    slug: Slug
    name: Annotated[str, _text(120)]
    parent: Slug | None = None
    description: str = ""


class AxisOption(_Record):
    value: Annotated[str, _text(60)]
    price_step: Money = Decimal(0)  # added to the product's price


def _option(raw: object) -> object:
    """`"Midnight"` is short for `{"value": "Midnight"}` (no price step)."""
    return {"value": raw} if isinstance(raw, str) else raw


class Axis(_Record):
    attribute: Annotated[str, _text(60)]
    options: list[Annotated[AxisOption, BeforeValidator(_option)]] = Field(min_length=1)


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    name: str
    attributes: dict[str, str]
    price: Decimal


def sku_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())[:12]


class DemoProduct(_Record):
    # the sku prefix: each variant appends a code per option (MBA13-8GB256GB-MIDNIGHT)
    sku: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=20)]
    name: Annotated[str, _text(200)]
    brand: Annotated[str, _text(120)]
    category: Slug
    price: Money  # with the first option of every axis
    icon: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]  # static/products/<icon>.svg
    description: str = ""
    axes: list[Axis] = []

    def variants(self) -> list[DemoVariant]:
        if not self.axes:
            return [DemoVariant(self.sku, "Standard", {}, self.price)]
        variants = []
        for combo in itertools.product(*(axis.options for axis in self.axes)):
            variants.append(
                DemoVariant(
                    sku="-".join([self.sku, *(sku_code(option.value) for option in combo)]),
                    name=" / ".join(option.value for option in combo),
                    attributes={
                        axis.attribute: option.value
                        for axis, option in zip(self.axes, combo, strict=True)
                    },
                    price=self.price + combo[0].price_step,
                )
            )
        return variants


class DemoStore(_Record):
    name: Annotated[str, _text(200)]
    address: Annotated[str, _text(300)]
    city: Annotated[str, _text(120)]
    region: Annotated[str, _text(120)] | None = None
    postal_code: Annotated[str, _text(20)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]
    phone: Annotated[str, _text(40)] | None = None


OpeningHours = dict[
    Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")],
]


class ReviewText(_Record):
    title: Annotated[str, _text(200)]
    comment: Annotated[str, _text(2000)]


class DemoReviews(_Record):
    reviewer_names: list[Annotated[str, _text(120)]] = Field(min_length=1)
    texts_by_rating: dict[Annotated[int, Field(ge=1, le=5)], list[ReviewText]]


@dataclass(frozen=True)
class DemoCatalog:
    categories: list[DemoCategory]  # roots and children, in the file's order
    products: list[DemoProduct]
    stores: list[DemoStore]
    opening_hours: dict[str, str]
    reviewer_names: list[str]
    review_texts: dict[int, list[ReviewText]]  # rating -> texts


@functools.cache
def demo_catalog() -> DemoCatalog:
    """The packaged demo catalog, read once per process."""
    return load_demo_catalog(PACKAGED)


def load_demo_catalog(directory: Traversable) -> DemoCatalog:
    files = DataFiles(directory)
    categories = files.csv_records("categories.csv", DemoCategory)
    products = files.json_records("products.json", DemoProduct, key="sku")
    stores = files.csv_records("stores.csv", DemoStore)
    hours: dict[str, str] | None = files.json_value("opening_hours.json", OpeningHours)
    reviews: DemoReviews | None = files.json_value("reviews.json", DemoReviews)
    if hours is not None and set(hours) != set(WEEKDAYS):
        files.problem(f"opening_hours.json: needs exactly the days {', '.join(WEEKDAYS)}")
    if reviews is not None:
        _check_reviews(files, reviews)
    _check_categories(files, categories)
    _check_products(files, products, {category.slug for category in categories})
    files.unique("stores.csv", "name", (store.name for store in stores))
    files.check()
    if hours is None or reviews is None:  # unreachable: a file that failed left a problem
        raise AssertionError("unchecked demo data")
    return DemoCatalog(
        categories=categories,
        products=products,
        stores=stores,
        opening_hours={day: hours[day] for day in WEEKDAYS},
        reviewer_names=list(reviews.reviewer_names),
        review_texts={rating: texts for rating, texts in reviews.texts_by_rating.items()},
    )


def _check_categories(files: DataFiles, categories: list[DemoCategory]) -> None:
    files.unique("categories.csv", "slug", (category.slug for category in categories))
    roots = {category.slug for category in categories if category.parent is None}
    for category in categories:
        if category.parent is not None and category.parent not in roots:
            files.problem(
                f"categories.csv: {category.slug}: parent: {category.parent!r} is not a "
                "top-level category (the tree has two levels)"
            )


def _check_products(files: DataFiles, products: list[DemoProduct], categories: set[str]) -> None:
    files.unique("products.json", "sku", (product.sku for product in products))
    # A product's id is looked up by the slug of its name, so names must differ too.
    files.unique("products.json", "slug of name", (slugify(p.name) for p in products))
    files.unique("products.json", "variant sku", (v.sku for p in products for v in p.variants()))
    for product in products:
        where = f"products.json: sku {product.sku}"
        if product.category not in categories:
            files.problem(f"{where}: category: {product.category!r} is not in categories.csv")
        too_long = [v.sku for v in product.variants() if len(v.sku) > 64]
        if too_long:
            files.problem(f"{where}: axes: variant sku {too_long[0]} is over 64 characters")
        if not ICONS.joinpath(f"{product.icon}.svg").is_file():
            files.problem(f"{where}: icon: no static/products/{product.icon}.svg")
        for position, axis in enumerate(product.axes):
            if position > 0 and any(option.price_step for option in axis.options):
                files.problem(
                    f"{where}: axes.{position}.options: only the first axis may add to the price"
                )
            files.unique(f"{where}: axes.{position}", "option", (o.value for o in axis.options))


def _check_reviews(files: DataFiles, reviews: DemoReviews) -> None:
    rated = {rating for rating, texts in reviews.texts_by_rating.items() if texts}
    for rating in sorted({1, 2, 3, 4, 5} - rated):
        files.problem(f"reviews.json: texts_by_rating: no text for rating {rating}")
