"""Register identity-commerce's Stripe webhook endpoint with localstripe.

localstripe keeps webhook endpoints in memory only, so this runs after every localstripe
start (the dev stack calls it). Real Stripe is configured in its dashboard instead, and this
script refuses to touch it.

    python scripts/register_stripe_webhook.py [--url http://127.0.0.1:8001/payments/webhook]

Defaults: STRIPE_API_BASE, STRIPE_WEBHOOK_SECRET and IDENTITY_URL from the settings.
"""

from __future__ import annotations

import argparse
import sys
import time

import httpx
from identity_commerce.core.config import STRIPE_PRODUCTION_API_BASE, Settings
from identity_commerce.services.payments import HANDLED_TYPES

WEBHOOK_NAME = "identity-commerce"


def register_webhook(
    *, stripe_api_base: str, webhook_url: str, secret: str, wait_seconds: float = 30.0
) -> None:
    """POST /_config/webhooks/<name> {url, secret, events}; waits for localstripe to answer."""
    base = stripe_api_base.rstrip("/")
    if base == STRIPE_PRODUCTION_API_BASE:
        raise SystemExit("STRIPE_API_BASE is real Stripe: configure the webhook in its dashboard")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            response = httpx.post(
                f"{base}/_config/webhooks/{WEBHOOK_NAME}",
                json={"url": webhook_url, "secret": secret, "events": sorted(HANDLED_TYPES)},
                timeout=5,
            )
            response.raise_for_status()
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=settings.identity_url.rstrip("/") + "/payments/webhook")
    parser.add_argument("--stripe-api-base", default=settings.stripe_api_base)
    args = parser.parse_args(argv)
    register_webhook(
        stripe_api_base=args.stripe_api_base,
        webhook_url=args.url,
        secret=settings.stripe_webhook_secret,
    )
    print(f"localstripe at {args.stripe_api_base} now sends Stripe events to {args.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
