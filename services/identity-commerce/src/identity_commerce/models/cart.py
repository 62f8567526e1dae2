"""The server-side cart: one line per (user, sku).

Besides the quantity, a line keeps the catalog facts last seen for its sku (name, price,
availability) so the cart can still be shown, marked as not refreshed, while
catalog-fulfillment is down. Prices used for payment always come fresh from the catalog.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from shopkit.db import Timestamps, UUIDPrimaryKey
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class CartItem(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "sku", name="uq_cart_items_user_id_sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column()
    # Last catalog facts seen for the sku (refreshed on every successful catalog read).
    product_id: Mapped[uuid.UUID | None] = mapped_column()
    variant_id: Mapped[uuid.UUID | None] = mapped_column()
    name: Mapped[str] = mapped_column(String(300))
    image_url: Mapped[str | None] = mapped_column(String(1000))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), server_default=text("'USD'"), default="USD")
    available: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    catalog_checked_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
