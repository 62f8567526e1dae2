from shopkit.service import ServiceDeclaration

SERVICE = ServiceDeclaration(
    name="notifications",
    port=8010,
    database_env="NOTIFICATIONS_DATABASE_URL",
    description="Lambda-style event handler sending email and SMS for order and stock events.",
    resources={"notifier": "notifications.core.resources:open_notifier"},
    background_jobs=("notifications.services.retention:notification_log_retention_job",),
    openapi_tags=(
        {"name": "events", "description": "Events from the other services (service token)"},
        {"name": "sent log", "description": "What was sent (admin or service)"},
    ),
)
