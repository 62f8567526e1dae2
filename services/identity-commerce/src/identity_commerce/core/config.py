"""Settings for identity-commerce; every variable is listed with its dev default in .env.sample."""

import ipaddress
import os
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from pydantic import AliasChoices, Field, field_validator, model_validator
from shopkit.settings import CommaSeparated, ServiceSettings, prefixed
from shopkit.tokens import SHOP_SERVICES


@dataclass(frozen=True)
class Argon2Cost:
    time_cost: int
    memory_cost_kib: int
    parallelism: int


# RFC 9106's second recommended setting: strong, ~250 ms of CPU per hash on this 2-core
# machine (bench/passwords.py measures it).
STRONG_ARGON2 = Argon2Cost(time_cost=3, memory_cost_kib=65_536, parallelism=4)
# Deliberately weak, only for ENV=test, so a suite that hashes hundreds of passwords stays fast.
FAST_TEST_ARGON2 = Argon2Cost(time_cost=1, memory_cost_kib=1_024, parallelism=1)
# OWASP's floor for argon2id (Password Storage Cheat Sheet): equally strong pairs of
# iterations and memory, at parallelism 1. Production refuses anything below the row of its
# time cost (five iterations and more need 7 MiB).
OWASP_ARGON2_FLOOR_KIB_BY_TIME_COST = {1: 47_104, 2: 19_456, 3: 12_288, 4: 9_216, 5: 7_168}
MIN_PRODUCTION_ARGON2_MEMORY_KIB = 7_168


def argon2_floor_kib(time_cost: int) -> int:
    """The least memory OWASP accepts with this many iterations."""
    return OWASP_ARGON2_FLOOR_KIB_BY_TIME_COST.get(time_cost, MIN_PRODUCTION_ARGON2_MEMORY_KIB)


def usable_cores() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# Stripe's real API; any other base (localstripe in dev and tests) is a stand-in.
STRIPE_PRODUCTION_API_BASE = "https://api.stripe.com"
DEV_STRIPE_SECRETS = frozenset({"sk_test_dev_shop", "whsec_dev_shop"})


class Settings(ServiceSettings):
    service_name: str = "identity-commerce"
    default_database: str = "ecom_identity_commerce"
    database_url: str | None = prefixed("IDENTITY", "database_url", None)

    # Whose tokens this service accepts: its own (users), and the service calls of the other
    # two (catalog-fulfillment asks about purchases and accounts, notifications about
    # accounts). Public keys are read from PUBLIC_KEYS_DIR (default KEYS_DIR).
    trusted_signers: list[str] = prefixed("IDENTITY", "trusted_signers", list(SHOP_SERVICES))

    access_token_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)

    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-
    # separated). Empty: the client address is the socket's peer, whatever headers say.
    forwarded_allow_ips: CommaSeparated = Field(
        default=[], validation_alias=AliasChoices("FORWARDED_ALLOW_IPS", "forwarded_allow_ips")
    )

    # Password hashing cost; unset means strong (or fast when ENV=test).
    argon2_time_cost: int | None = Field(default=None, ge=1)
    argon2_memory_cost_kib: int | None = Field(default=None, ge=8)
    argon2_parallelism: int | None = Field(default=None, ge=1)
    # Hashes computed at once per process (0: one per usable core); more requests wait in
    # line, and past the queue limit get 503 + Retry-After instead of piling up.
    password_hash_workers: int = Field(default=0, ge=0)
    password_hash_queue_limit: int = Field(default=64, ge=1)

    # Rate limits (fixed windows kept in PostgreSQL, so every worker process shares them).
    rate_limit_window_seconds: int = Field(default=900, ge=1)
    # Failed logins for one account from one client address: that address is blocked for
    # that account until the window ends (nobody else is).
    login_max_failures_per_account_and_client: int = Field(default=5, ge=1)
    # Failed logins from one client address, whatever the accounts (password spraying).
    login_max_failures_per_client: int = Field(default=20, ge=1)
    # Failed logins for one account from all addresses: past this many in a window, each
    # further attempt waits base * 2^n seconds (at most max) after the previous one. This
    # slows a distributed guesser down and never locks the owner out; addresses the account
    # signed in from within LOGIN_KNOWN_ADDRESS_DAYS skip the wait.
    login_account_free_failures: int = Field(default=10, ge=1)
    login_account_backoff_base_seconds: float = Field(default=1.0, gt=0)
    login_account_backoff_max_seconds: float = Field(default=30.0, gt=0)
    login_known_address_days: int = Field(default=30, ge=0)
    # Sign-ups per client address, successful or not.
    signup_max_per_client: int = Field(default=10, ge=1)
    signup_window_seconds: int = Field(default=3600, ge=1)
    rate_limit_sweep_seconds: float = Field(default=300.0, gt=0)

    # Account links sent by email (password reset, email verification).
    password_reset_ttl_minutes: int = Field(default=60, ge=1, le=24 * 60)
    email_verification_ttl_hours: int = Field(default=48, ge=1, le=30 * 24)
    # Link requests (reset, verification resend) in ACCOUNT_LINK_WINDOW_SECONDS: per email
    # (or account) from one client address, per email from all addresses, and per address.
    # One address can neither flood an inbox nor mail the whole customer list, and its
    # requests for someone else's email never use up the owner's own (the owner asks from
    # another address); only many addresses together reach the all-address cap.
    account_link_window_seconds: int = Field(default=3600, ge=1)
    account_link_max_per_email: int = Field(default=3, ge=1)
    account_link_max_per_email_all_clients: int = Field(default=10, ge=1)
    account_link_max_per_client: int = Field(default=10, ge=1)
    # Failed link redemptions (unknown, used or expired tokens) per client address.
    account_link_max_failures_per_client: int = Field(default=20, ge=1)

    @field_validator("shop_time_zone")
    @classmethod
    def _time_zone_known(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"SHOP_TIME_ZONE {value!r} is not an IANA time zone") from exc
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry == "*":
                raise ValueError("FORWARDED_ALLOW_IPS may not trust every address ('*')")
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"FORWARDED_ALLOW_IPS: {entry!r} is not an address") from exc
        return value

    def trusted_proxies(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(e, strict=False) for e in self.forwarded_allow_ips)

    def password_hash_concurrency(self) -> int:
        return self.password_hash_workers or usable_cores()

    # Cart: catalog-fulfillment's /catalog/variants takes up to 100 skus per call.
    cart_max_lines: int = Field(default=100, ge=1, le=100)
    cart_max_quantity_per_line: int = Field(default=99, ge=1)
    # Guest carts: deleted after this many days unused; created at most this many per client
    # address per hour.
    guest_cart_ttl_days: int = Field(default=30, ge=1)
    guest_cart_max_per_client: int = Field(default=30, ge=1)
    guest_cart_sweep_seconds: float = Field(default=3600.0, gt=0)

    def argon2_cost(self) -> Argon2Cost:
        base = FAST_TEST_ARGON2 if self.env == "test" else STRONG_ARGON2
        return Argon2Cost(
            time_cost=self.argon2_time_cost or base.time_cost,
            memory_cost_kib=self.argon2_memory_cost_kib or base.memory_cost_kib,
            parallelism=self.argon2_parallelism or base.parallelism,
        )

    @model_validator(mode="after")
    def _refuse_weak_hashing_in_production(self) -> "Settings":
        if not self.is_production:
            return self
        cost = self.argon2_cost()
        floor = argon2_floor_kib(cost.time_cost)
        if cost.memory_cost_kib < floor:
            raise ValueError(
                "refusing to start in production: argon2id below OWASP's floor "
                f"(ARGON2_TIME_COST={cost.time_cost} needs ARGON2_MEMORY_COST_KIB >= {floor})"
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
    # The shop's time zone (IANA name): sales reports cut days, weeks and months in it.
    shop_time_zone: str = "UTC"
    # Shipping without configured methods (services/shipping.py): flat rate, free when the
    # subtotal reaches the threshold; `make seed` makes "Standard" from these.
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
    # often due work is retried, and its backoff (doubling to the max). Disabled, the work
    # waits in the table (the request that refunded still tries it once after its commit).
    order_followups_enabled: bool = True
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
    # Promo codes typed in (POST /cart/promo), per cart (account or guest) and per client
    # address, per window: guessing codes is slow, a NAT of shoppers is not blocked.
    promo_rate_window_seconds: int = Field(default=3600, ge=1)
    promo_max_per_cart: int = Field(default=20, ge=1)
    promo_max_per_client: int = Field(default=200, ge=1)

    # --- after-sale (services/refunds.py, services/returns.py) ----------------------------
    # A shopper may ask to return units of an order this many days after its delivery.
    return_window_days: int = Field(default=30, ge=0, le=3650)
    # Return requests per account and per client address in a fixed window (each open
    # return is work for the shop's staff), and refunds per admin and address.
    returns_rate_window_seconds: int = Field(default=3600, ge=1)
    returns_max_per_user: int = Field(default=10, ge=1)
    returns_max_per_client: int = Field(default=100, ge=1)
    refunds_rate_window_seconds: int = Field(default=600, ge=1)
    refunds_max_per_admin: int = Field(default=120, ge=1)
    refunds_max_per_client: int = Field(default=600, ge=1)

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
