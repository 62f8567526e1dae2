"""Fixed-window counters for rate limiting, shared by every worker process through the DB."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class RateLimitCounter(Base):
    """`key` names what is counted, e.g. `login:email:alice@example.com` or
    `login:client:203.0.113.9`; the count is valid until `expires_at`. `last_hit_at` is
    when the last attempt was counted (backoff limits measure their delay from it)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int] = mapped_column()
    window_started_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_hit_at: Mapped[datetime | None] = mapped_column()
