"""The server-side cart: one line per (user, sku).

Besides the quantity, a line keeps the catalog facts last seen for its sku (name, price,
availability) so the cart can still be shown, marked as not refreshed, while
catalog-fulfillment is down. Prices used for payment always come fresh from the catalog.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopkit.db import Timestamps, UUIDPrimaryKey
from shopkit.money import MoneyColumn
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
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
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    currency: Mapped[str] = mapped_column(String(3), server_default=text("'USD'"), default="USD")
    available: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    catalog_checked_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


# The cart as shown: each stored line with what the catalog says of its sku right now.
@dataclass
class CartLine:
    item: CartItem
    available_quantity: int | None  # from the catalog; None when it could not be asked

    @property
    def line_total(self) -> Decimal:
        return self.item.unit_price * self.item.quantity


@dataclass
class CartView:
    lines: list[CartLine]
    refreshed: bool  # False: catalog-fulfillment was down; names/prices are the last seen

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def item_count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def currency(self) -> str:
        return self.lines[0].item.currency if self.lines else "USD"
