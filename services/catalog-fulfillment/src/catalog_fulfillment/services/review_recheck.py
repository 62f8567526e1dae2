"""Background job that asks identity-commerce again about reviews it could not answer for.

A review written while identity-commerce was down is stored unverified with a due time. Every
REVIEW_RECHECK_SWEEP_SECONDS this job claims a batch of due reviews (pushing their due time
by REVIEW_RECHECK_RETRY_SECONDS, so other workers skip them and a failure simply retries
later), asks about each and applies the answers. While identity-commerce is down the round
stops at the first failure; a review whose answer is malformed goes to the back of the queue
and does not hold up the others.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fastapi import FastAPI
from shopkit.periodic import run_rounds

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.services import review_verification as verification

log = logging.getLogger("catalog_fulfillment.review_recheck")


async def recheck_due_reviews(app: FastAPI) -> int:
    """One round; returns how many reviews were claimed."""
    settings: Settings = app.state.settings
    identity: IdentityClient = app.state.identity_client
    sessionmaker = app.state.session_factory
    async with sessionmaker() as session, session.begin():
        # Every question below is asked after this instant: a safe `asked_at` for all.
        asked_at = await verification.database_now(session)
        claimed = await verification.claim_due_reviews(
            session,
            limit=settings.review_recheck_batch,
            retry_in=timedelta(seconds=settings.review_recheck_retry_seconds),
        )
    for user_id, product_id in claimed:
        try:
            verified = await verification.ask(identity, user_id=user_id, product_id=product_id)
        except verification.IdentityCannotAnswer as exc:
            if exc.unreachable:
                log.info("identity-commerce unavailable; rechecks wait: %s", exc)
                break
            log.warning("no usable verified-purchase answer for a review: %s", exc)
            continue
        async with sessionmaker() as session, session.begin():
            await verification.apply_answers(
                session, user_id=user_id, answers={product_id: verified}, asked_at=asked_at
            )
    return len(claimed)


async def review_recheck_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Every REVIEW_RECHECK_SWEEP_SECONDS, recheck reviews identity-commerce did not answer for."""
    settings: Settings = app.state.settings
    if not settings.review_recheck_enabled:
        return
    await run_rounds(
        stop,
        lambda: recheck_due_reviews(app),
        every_seconds=settings.review_recheck_sweep_seconds,
        log=log,
        failed="review recheck failed",
        done="rechecked %d reviews",
    )
