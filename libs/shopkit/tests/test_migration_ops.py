"""The shapes the services' migrations share (shopkit.migration_ops) emit the DDL the
released revisions ran, and name foreign keys as the models' naming convention does."""

from __future__ import annotations

import sqlalchemy as sa
from shopkit.db import NAMING_CONVENTION
from shopkit.migration_ops import MONEY, foreign_key, timestamp, timestamps
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable


def ddl(table: sa.Table) -> str:
    return " ".join(str(CreateTable(table).compile(dialect=postgresql.dialect())).split())


def parent_and_child(metadata: sa.MetaData, *child_items: sa.SchemaItem) -> sa.Table:
    sa.Table("parents", metadata, sa.Column("id", sa.Uuid(), primary_key=True))
    return sa.Table(
        "children",
        metadata,
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(8), nullable=True),
        *child_items,
    )


def test_columns_are_not_null_with_their_defaults() -> None:
    table = parent_and_child(
        sa.MetaData(), sa.Column("price", MONEY, nullable=False), *timestamps(), timestamp("at")
    )
    text = ddl(table)
    assert "price NUMERIC(12, 2) NOT NULL" in text
    for name in ("created_at", "updated_at", "at"):
        assert f"{name} TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL" in text


def test_each_call_makes_new_columns() -> None:
    # One Column object can belong to one table only.
    first, second = timestamps(), timestamps()
    assert first[0] is not second[0]


def test_a_foreign_key_is_named_and_deletes_as_told() -> None:
    text = ddl(
        parent_and_child(
            sa.MetaData(), foreign_key("children", "parent_id", "parents", ondelete="CASCADE")
        )
    )
    assert (
        "CONSTRAINT fk_children_parent_id_parents FOREIGN KEY(parent_id) "
        "REFERENCES parents (id) ON DELETE CASCADE"
    ) in text


def test_a_foreign_key_may_refer_to_another_column_and_leave_deletes_alone() -> None:
    metadata = sa.MetaData()
    sa.Table("codes", metadata, sa.Column("code", sa.String(8), unique=True))
    text = ddl(
        parent_and_child(metadata, foreign_key("children", "code", "codes", referred_column="code"))
    )
    assert "CONSTRAINT fk_children_code_codes FOREIGN KEY(code) REFERENCES codes (code)" in text
    assert "ON DELETE" not in text


def test_the_name_is_the_one_the_models_naming_convention_gives() -> None:
    by_convention = parent_and_child(
        sa.MetaData(naming_convention=NAMING_CONVENTION),
        sa.ForeignKeyConstraint(["parent_id"], ["parents.id"]),
    )
    by_helper = parent_and_child(
        # A migration's metadata carries the convention too: the helper's name is final.
        sa.MetaData(naming_convention=NAMING_CONVENTION),
        foreign_key("children", "parent_id", "parents"),
    )
    assert ddl(by_helper) == ddl(by_convention)
