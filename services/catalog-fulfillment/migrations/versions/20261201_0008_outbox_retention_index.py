"""outbox: index of sent rows by age, for retention"""

from shopkit.outbox_migrations import SentAtIndex

revision = "0008"
down_revision = "0007"

upgrade = SentAtIndex.upgrade
downgrade = SentAtIndex.downgrade
