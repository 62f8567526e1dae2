from shopkit.service import ServiceDeclaration

SERVICE = ServiceDeclaration(
    name="identity-commerce",
    port=8001,
    database_env="IDENTITY_DATABASE_URL",
    title="Identity & Commerce",
    description="Accounts, tokens, addresses, cart, checkout, Stripe payments and orders.",
    outbox="identity_commerce.models:OutboxMessage",
    background_jobs=(
        "identity_commerce.services.rate_limit:expired_counter_sweeper_job",
        "identity_commerce.services.orders_expiry:order_expiry_job",
        "identity_commerce.services.order_followups:order_followups_job",
        "identity_commerce.services.guest_carts:expired_guest_cart_job",
    ),
    resources={
        "password_hasher": "identity_commerce.core.resources:open_password_hasher",
        "catalog_client": "identity_commerce.core.resources:open_catalog_client",
        "stripe_gateway": "identity_commerce.core.resources:open_stripe_gateway",
    },
    # It holds the accounts: it checks them in its own database.
    account_check="identity_commerce.core.resources:own_account_check",
    # Its checkout prices and reserves stock at the catalog.
    depends_on=("catalog-fulfillment",),
)
