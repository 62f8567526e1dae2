"""Settings for identity-commerce; every variable is listed with its dev default in .env.sample."""

from dataclasses import dataclass
from decimal import Decimal

from pydantic import AliasChoices, Field, model_validator
from shopkit.settings import ServiceSettings


@dataclass(frozen=True)
class Argon2Cost:
    time_cost: int
    memory_cost_kib: int
    parallelism: int


# RFC 9106's second recommended setting: strong, ~50-100 ms per hash on one core.
STRONG_ARGON2 = Argon2Cost(time_cost=3, memory_cost_kib=65_536, parallelism=4)
# Deliberately weak, only for ENV=test, so a suite that hashes hundreds of passwords stays fast.
FAST_TEST_ARGON2 = Argon2Cost(time_cost=1, memory_cost_kib=1_024, parallelism=1)
# OWASP's floor for argon2id; production refuses anything cheaper.
MIN_PRODUCTION_ARGON2_MEMORY_KIB = 19_456

# Stripe's real API; any other base (localstripe in dev and tests) is a stand-in.
STRIPE_PRODUCTION_API_BASE = "https://api.stripe.com"
DEV_STRIPE_SECRETS = frozenset({"sk_test_dev_shop", "whsec_dev_shop"})


class Settings(ServiceSettings):
    service_name: str = "identity-commerce"
    default_database: str = "ecom_identity_commerce"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("IDENTITY_DATABASE_URL", "database_url")
    )

    access_token_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)

    # Password hashing cost; unset means strong (or fast when ENV=test).
    argon2_time_cost: int | None = Field(default=None, ge=1)
    argon2_memory_cost_kib: int | None = Field(default=None, ge=8)
    argon2_parallelism: int | None = Field(default=None, ge=1)

    # Rate limits (fixed windows kept in PostgreSQL, so every worker process shares them).
    rate_limit_window_seconds: int = Field(default=900, ge=1)
    login_max_failures_per_email: int = Field(default=5, ge=1)
    login_max_failures_per_client: int = Field(default=20, ge=1)
    signup_max_failures_per_client: int = Field(default=10, ge=1)
    rate_limit_sweep_seconds: float = Field(default=300.0, gt=0)

    # Cart: catalog-fulfillment's /catalog/variants takes up to 100 skus per call.
    cart_max_lines: int = Field(default=100, ge=1, le=100)
    cart_max_quantity_per_line: int = Field(default=99, ge=1)

    def argon2_cost(self) -> Argon2Cost:
        base = FAST_TEST_ARGON2 if self.env == "test" else STRONG_ARGON2
        return Argon2Cost(
            time_cost=self.argon2_time_cost or base.time_cost,
            memory_cost_kib=self.argon2_memory_cost_kib or base.memory_cost_kib,
            parallelism=self.argon2_parallelism or base.parallelism,
        )

    @model_validator(mode="after")
    def _refuse_weak_hashing_in_production(self) -> "Settings":
        if self.is_production and self.argon2_cost().memory_cost_kib < (
            MIN_PRODUCTION_ARGON2_MEMORY_KIB
        ):
            raise ValueError(
                "refusing to start in production: ARGON2_MEMORY_COST_KIB is below "
                f"{MIN_PRODUCTION_ARGON2_MEMORY_KIB}"
            )
        return self

    # --- checkout, payments and orders (docs/api/identity-commerce-orders.md) ------------
    stripe_api_base: str = "http://127.0.0.1:8420"
    stripe_secret_key: str = "sk_test_dev_shop"
    stripe_publishable_key: str = "pk_test_dev_shop"
    stripe_webhook_secret: str = "whsec_dev_shop"
    stripe_webhook_tolerance_seconds: int = Field(default=300, ge=1)
    stripe_timeout_seconds: float = Field(default=10.0, gt=0)
    stripe_max_network_retries: int = Field(default=2, ge=0)
    shop_currency: str = Field(default="USD", min_length=3, max_length=3)
    # Shipping: flat rate, free when the subtotal reaches the threshold.
    shipping_flat_rate: Decimal = Field(default=Decimal("9.99"), ge=0)
    free_shipping_threshold: Decimal = Field(default=Decimal("100.00"), ge=0)
    # Sales tax on the subtotal by shipping country (ISO alpha-2); others get the default.
    tax_rates: dict[str, Decimal] = {
        "US": Decimal("0.08"),
        "CA": Decimal("0.13"),
        "GB": Decimal("0.20"),
        "DE": Decimal("0.19"),
        "FR": Decimal("0.20"),
    }
    default_tax_rate: Decimal = Field(default=Decimal("0"), ge=0, lt=1)
    reservation_ttl_seconds: int = Field(default=900, ge=5, le=86_400)
    order_expiry_sweep_seconds: float = Field(default=30.0, gt=0)
    order_expiry_sweeper_enabled: bool = True
    # Orders per sweep, and the per-order backoff after a failed expiry (doubling to the max),
    # so orders Stripe or the catalog keeps refusing never block the others.
    order_expiry_batch_size: int = Field(default=50, ge=1, le=1000)
    order_expiry_retry_base_seconds: float = Field(default=30.0, gt=0)
    order_expiry_retry_max_seconds: float = Field(default=3600.0, gt=0)
    # Restock and review re-verification after refunds (services/order_followups.py): how
    # often due work is retried, and its backoff (doubling to the max).
    order_followup_poll_seconds: float = Field(default=5.0, gt=0)
    order_followup_retry_base_seconds: float = Field(default=5.0, gt=0)
    order_followup_retry_max_seconds: float = Field(default=600.0, gt=0)

    # --- what one account or address can hold (docs/reliability.md, abuse cases) ---------
    # Orders awaiting payment per user; a new checkout first supersedes the user's pending
    # orders that hold any sku of the cart, so this only counts unrelated ones.
    max_pending_orders_per_user: int = Field(default=2, ge=1, le=100)
    # Checkouts started (failed ones too; Idempotency-Key replays are not new checkouts) per
    # fixed window, per user and per client address. The address limit is meant for a whole
    # office behind one NAT: about one checkout a second.
    checkout_rate_window_seconds: int = Field(default=600, ge=1)
    checkout_max_per_user: int = Field(default=30, ge=1)
    checkout_max_per_client: int = Field(default=600, ge=1)

    @model_validator(mode="after")
    def _refuse_dev_stripe_in_production(self) -> "Settings":
        if not self.is_production:
            return self
        problems = []
        if self.stripe_api_base.rstrip("/") != STRIPE_PRODUCTION_API_BASE:
            problems.append("STRIPE_API_BASE is not Stripe's API")
        if {self.stripe_secret_key, self.stripe_webhook_secret} & DEV_STRIPE_SECRETS:
            problems.append("STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is a dev default")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self
