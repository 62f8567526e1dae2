"""SQLAlchemy models of identity-commerce. Import every model here so Alembic sees it."""

from shopkit.outbox import OutboxMixin

from identity_commerce.db.base import Base
from identity_commerce.models.account_link import AccountLink, LinkPurpose
from identity_commerce.models.address import Address, AddressKind
from identity_commerce.models.cart import CartItem, GuestCart
from identity_commerce.models.followup import FollowUpKind, FollowUpStatus, OrderFollowUp
from identity_commerce.models.order import Order, OrderItem, OrderStatusChange
from identity_commerce.models.order_return import OrderReturn, ReturnStatus
from identity_commerce.models.payment import IdempotencyKey, Payment, ProcessedStripeEvent, Refund
from identity_commerce.models.promotion import CartPromotion, Promotion, PromotionKind
from identity_commerce.models.rate_limit import RateLimitCounter
from identity_commerce.models.shipping import ShippingMethod, ShippingZone
from identity_commerce.models.user import User, UserRole


class OutboxMessage(OutboxMixin, Base):
    """Events waiting for delivery to notifications (same transaction as the change)."""


__all__ = [
    "AccountLink",
    "Address",
    "AddressKind",
    "Base",
    "CartItem",
    "CartPromotion",
    "FollowUpKind",
    "FollowUpStatus",
    "GuestCart",
    "IdempotencyKey",
    "LinkPurpose",
    "Order",
    "OrderFollowUp",
    "OrderItem",
    "OrderReturn",
    "OrderStatusChange",
    "OutboxMessage",
    "Payment",
    "ProcessedStripeEvent",
    "Promotion",
    "PromotionKind",
    "RateLimitCounter",
    "Refund",
    "ReturnStatus",
    "ShippingMethod",
    "ShippingZone",
    "User",
    "UserRole",
]
