"""outbox: age limit instead of an attempt limit, discarded events, cheaper relay indexes"""

from shopkit.outbox_migrations import AgeLimitAndDiscard

revision = "0006"
down_revision = "0005"

upgrade = AgeLimitAndDiscard.upgrade
downgrade = AgeLimitAndDiscard.downgrade
