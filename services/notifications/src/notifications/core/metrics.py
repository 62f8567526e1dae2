"""notifications' own counters on `/metrics` (shopkit.metrics serves them)."""

from __future__ import annotations

from prometheus_client import Counter

CHANNELS = ("email", "sms")
# sent: the provider accepted the message; failed: it raised (the event is rolled back and
# its sender delivers it again later).
RESULTS = ("sent", "failed")
NOTIFICATIONS_SENT = Counter(
    "notifications_sent_total",
    "Messages handed to a provider, by channel and result",
    ["channel", "result"],
)
for _channel in CHANNELS:  # every series exists from the start, at 0
    for _result in RESULTS:
        NOTIFICATIONS_SENT.labels(_channel, _result)
