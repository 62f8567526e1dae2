"""Settings for catalog-fulfillment; .env.sample lists every variable with its dev default."""

from pydantic import AliasChoices, Field
from shopkit.settings import ServiceSettings, prefixed
from shopkit.tokens import IDENTITY_KEY_ID


class Settings(ServiceSettings):
    service_name: str = "catalog-fulfillment"
    default_database: str = "ecom_catalog_fulfillment"
    database_url: str | None = prefixed("CATALOG", "database_url", None)

    # Whose tokens this service accepts: users' and identity-commerce's service calls.
    trusted_signers: list[str] = prefixed("CATALOG", "trusted_signers", [IDENTITY_KEY_ID])

    # Where this service is reachable from browsers; turns stored image paths such as
    # "/static/products/laptop.svg" into absolute URLs that work from the frontend and in carts.
    public_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("CATALOG_PUBLIC_URL", "public_url"),
    )

    # Two-phase inventory: how long a reservation holds stock unless the caller asks for
    # another TTL, the longest TTL a caller may ask for, and how often the sweeper releases
    # expired reservations.
    reservation_ttl_seconds: int = Field(default=900, ge=1)
    reservation_max_ttl_seconds: int = Field(default=86_400, ge=1)
    reservation_sweep_seconds: float = Field(default=5.0, gt=0)
    reservation_sweeper_enabled: bool = True
    reservation_sweep_batch: int = Field(default=200, ge=1)

    # Reviews ask identity-commerce whether the reviewer bought the product; a review must
    # not wait long for that (when it can't tell, verified_purchase is stored as false).
    verified_purchase_timeout_seconds: float = Field(default=2.0, gt=0)
    verified_purchase_retries: int = Field(default=2, ge=1)
    # Reviews stored unverified because identity-commerce could not answer are asked about
    # again by a background job: how often it runs, how many reviews a round takes, and how
    # long a review waits before it is asked again when that fails.
    review_recheck_enabled: bool = True
    review_recheck_sweep_seconds: float = Field(default=60.0, gt=0)
    review_recheck_batch: int = Field(default=50, ge=1, le=1000)
    review_recheck_retry_seconds: int = Field(default=300, ge=1)

    # Search: minimum pg_trgm similarity between a misspelt word and a word of a product
    # name for it to be corrected ("lapotp" -> "laptop" scores 0.27, "hedphones" ->
    # "headphones" 0.62; unrelated words stay lower and the best match wins).
    search_typo_threshold: float = Field(default=0.25, gt=0, le=1)
    # Catalog reads (listing pages, totals and facets, search order, products without their
    # stock) are cached in each process and dropped as soon as any process commits a write
    # (PostgreSQL NOTIFY); this is the longest an entry lives anyway (0 disables the cache).
    listing_cache_seconds: float = Field(default=30.0, ge=0)
    # A listing with a price or in-stock filter counts its matches exactly up to this many;
    # past it, total and facets are estimated from a sample (and flagged total_estimated).
    listing_exact_count_limit: int = Field(default=1000, ge=1)
    # Entries per process (least recently used go first); a page is a few kilobytes.
    catalog_cache_max_entries: int = Field(default=20_000, ge=1)
