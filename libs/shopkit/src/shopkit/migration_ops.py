"""Column, constraint and index shapes that the services' Alembic revisions repeat, written once.

A revision is frozen once released, and so is what these helpers produce: the DDL they
emit must never change (a new shape is a new helper, never an edit of one in use). They
spell out what the models declare through shopkit.db (`UUIDPrimaryKey`, `Timestamps`,
`NAMING_CONVENTION`) and shopkit.money (`MoneyColumn`) but do not import it, so that
changing a model never rewrites an old migration.

Revisions import the module, `from shopkit import migration_ops as ddl`, and read
`ddl.required("email", sa.String(320))`, `ddl.check("users", "role_known", ...)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql.naming import conv

# An amount of money: NUMERIC(12,2), like shopkit.money.MoneyColumn.
MONEY = sa.Numeric(precision=12, scale=2)
# A point in time: `timestamptz`, what shopkit.db's TYPE_ANNOTATION_MAP makes of `datetime`.
TIMESTAMPTZ = sa.DateTime(timezone=True)
# A JSON document: `jsonb`, the type the models' `postgresql.JSONB` columns have.
JSONB = postgresql.JSONB(astext_type=sa.Text())


def required(
    name: str, type_: sa.types.TypeEngine[Any], *items: SchemaItem, **options: Any
) -> sa.Column[Any]:
    """A `NOT NULL` column; `items` (such as `sa.Identity()`) and `options` (such as
    `server_default`) go to `sa.Column`."""
    return sa.Column(name, type_, *items, nullable=False, **options)


def optional(
    name: str, type_: sa.types.TypeEngine[Any], *items: SchemaItem, **options: Any
) -> sa.Column[Any]:
    """A column that may be `NULL`; `items` and `options` go to `sa.Column`."""
    return sa.Column(name, type_, *items, nullable=True, **options)


def timestamp(name: str) -> sa.Column[datetime]:
    """A `timestamptz NOT NULL DEFAULT now()` column: when a row was made or last touched."""
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def timestamps() -> tuple[sa.Column[datetime], sa.Column[datetime]]:
    """`created_at` and `updated_at`, the columns of shopkit.db's `Timestamps`."""
    return timestamp("created_at"), timestamp("updated_at")


# The constraints below are named as shopkit.db's naming convention names the models' ones;
# conv (what `op.f` returns) marks a name final: no convention applies to it again.


def uuid_primary_key(table: str) -> tuple[sa.Column[uuid.UUID], sa.PrimaryKeyConstraint]:
    """The `id` UUID column of `table` and its primary key, pk_<table>: shopkit.db's
    `UUIDPrimaryKey`. (A table's CREATE lists its primary key first wherever it is given.)"""
    return sa.Column("id", sa.Uuid(), nullable=False), primary_key(table, "id")


def primary_key(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    """The primary key of `table` on `columns`, named pk_<table>."""
    return sa.PrimaryKeyConstraint(*columns, name=conv(f"pk_{table}"))


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    """`columns` are unique together in `table`, named uq_<table>_<column>_<column>..."""
    return sa.UniqueConstraint(*columns, name=conv(f"uq_{table}_{'_'.join(columns)}"))


def foreign_key(
    table: str,
    column: str,
    referred_table: str,
    *,
    referred_column: str = "id",
    ondelete: str | None = None,
) -> sa.ForeignKeyConstraint:
    """`table.column` references `referred_table.referred_column`, under the name shopkit.db's
    naming convention gives it: fk_<table>_<column>_<referred table>."""
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred_table}.{referred_column}"],
        name=conv(f"fk_{table}_{column}_{referred_table}"),
        ondelete=ondelete,
    )


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    """A CHECK of `table` that a model declares as `CheckConstraint(condition, name=name)`:
    named ck_<table>_<name>."""
    return sa.CheckConstraint(condition, name=conv(f"ck_{table}_{name}"))


def one_of(column: str, values: Iterable[str]) -> str:
    """The condition `column IN ('a', 'b', ...)`: the column holds one of `values`."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def create_index_where_not_null(name: str, table: str, column: str) -> None:
    """Index `column` of `table` over only the rows where it is set (a partial index): it
    finds the rows that have a value there, and rows without one do not grow it."""
    op.create_index(name, table, [column], postgresql_where=sa.text(f"{column} IS NOT NULL"))
