"""notifications, declared once: shopkit builds its app, lifespan, migration environment
and shared tests from this (shopkit.service)."""

from shopkit.service import ServiceDeclaration

SERVICE = ServiceDeclaration(
    name="notifications",
    package="notifications",
    port=8010,
    database="notifications",
    database_env="NOTIFICATIONS_DATABASE_URL",
    settings="notifications.core.config:Settings",
    models="notifications.models:Base",
    title="Notifications",
    description="Lambda-style event handler sending email and SMS for order and stock events.",
    routers="notifications.api:routers",
    resources={"notifier": "notifications.core.resources:open_notifier"},
    openapi_tags=(
        {"name": "events", "description": "Events from the other services (service token)"},
        {"name": "sent log", "description": "What was sent (admin or service)"},
    ),
)
