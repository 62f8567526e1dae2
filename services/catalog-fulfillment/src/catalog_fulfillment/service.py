from shopkit.service import ServiceDeclaration

SERVICE = ServiceDeclaration(
    name="catalog-fulfillment",
    port=8002,
    database_env="CATALOG_DATABASE_URL",
    title="Catalog & Fulfillment",
    description=(
        "Categories, products, variants, inventory (reserve/commit/release), search, "
        "reviews, stores and fulfillments."
    ),
    outbox="catalog_fulfillment.models:OutboxMessage",
    background_jobs=(
        "catalog_fulfillment.services.sweeper:reservation_sweeper_job",
        "catalog_fulfillment.services.review_recheck:review_recheck_job",
        "catalog_fulfillment.services.catalog_changes:catalog_change_listener",
    ),
    resources={
        "read_db": "catalog_fulfillment.core.resources:open_read_database",
        "catalog_cache": "catalog_fulfillment.core.resources:open_catalog_cache",
        "identity_client": "catalog_fulfillment.core.resources:open_identity_client",
    },
    configure="catalog_fulfillment.core.resources:configure_app",
)
