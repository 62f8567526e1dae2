"""The search lexicon: every word used in product names, for typo correction."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog_fulfillment.db.base import Base


class SearchTerm(Base):
    """Filled by a trigger on products (migration 0003), so every writer keeps it current.

    Correcting "lapotp" means finding the most similar *word* here (a few thousand rows,
    trigram index) and searching for that word with full-text search.
    """

    __tablename__ = "search_terms"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (
        Index(
            "ix_search_terms_word_trgm",
            "word",
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        ),
    )
