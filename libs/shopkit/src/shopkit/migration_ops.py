"""Column and constraint shapes that the services' Alembic revisions repeat, written once.

A revision is frozen once released, and so is what these helpers produce: the DDL they
emit must never change (a new shape is a new helper, never an edit of one in use). They
spell out what the models declare through shopkit.db (`Timestamps`, `NAMING_CONVENTION`)
and shopkit.money (`MoneyColumn`) but do not import it, so that changing a model never
rewrites an old migration.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.naming import conv

# An amount of money: NUMERIC(12,2), like shopkit.money.MoneyColumn.
MONEY = sa.Numeric(precision=12, scale=2)


def timestamp(name: str) -> sa.Column[datetime]:
    """A `timestamptz NOT NULL DEFAULT now()` column: when a row was made or last touched."""
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def timestamps() -> tuple[sa.Column[datetime], sa.Column[datetime]]:
    """`created_at` and `updated_at`, the columns of shopkit.db's `Timestamps`."""
    return timestamp("created_at"), timestamp("updated_at")


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
        # conv (what `op.f` returns): the name is final, no convention applies to it again.
        name=conv(f"fk_{table}_{column}_{referred_table}"),
        ondelete=ondelete,
    )
