"""outbox table for events waiting for delivery"""

from shopkit.outbox_migrations import CreateOutbox

revision = "0001"
down_revision = None

upgrade = CreateOutbox.upgrade
downgrade = CreateOutbox.downgrade
