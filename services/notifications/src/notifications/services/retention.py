"""Retention of the notification log: handled events and their sent messages.

An event row goes NOTIFY_LOG_RETENTION_DAYS after it arrived; its messages go with it (the
foreign key cascades), so the log never keeps a message without its event. shopkit.retention
deletes in batches with SKIP LOCKED, so replicas share the work.
"""

from __future__ import annotations

from datetime import timedelta

from shopkit.retention import RetentionRule, retention_job

from notifications.core.config import Settings
from notifications.models import HandledEvent


def notification_log_retention(max_age: timedelta) -> RetentionRule:
    return RetentionRule(
        name="notification log",
        table=HandledEvent.__table__,
        key=HandledEvent.event_id,
        expired=lambda cutoff: HandledEvent.received_at < cutoff,
        max_age=max_age,
    )


def rules(settings: Settings) -> list[RetentionRule]:
    return [notification_log_retention(timedelta(days=settings.log_retention_days))]


notification_log_retention_job = retention_job(rules)
