from identity_commerce.service import SERVICE
from shopkit.testing import declared_service_fixture

service_under_test = declared_service_fixture(
    SERVICE,
    settings_overrides={
        # In-process tests share one connection with the test; a background sweeper
        # would race it. Expiry is exercised directly and in live-process tests.
        "order_expiry_sweeper_enabled": False,
        "order_followups_enabled": False,
    },
)
