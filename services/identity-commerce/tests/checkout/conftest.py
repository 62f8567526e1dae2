"""Fixtures for the checkout, payment and order tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from shopkit.testing import LiveService, TestDatabases, TokenFactory, free_port

from .stack import (
    Stack,
    catalog_databases,
    identity_databases,
    notifications_databases,
    register_webhook,
    start_localstripe,
    start_service,
)


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """One localstripe for the tests that only need Stripe to answer."""
    service = start_localstripe(tmp_path_factory.mktemp("localstripe"))
    yield service
    service.stop()


@dataclass
class StackTemplates:
    identity: TestDatabases
    catalog: TestDatabases
    notifications: TestDatabases

    def all(self) -> tuple[TestDatabases, ...]:
        return (self.identity, self.catalog, self.notifications)


@pytest.fixture(scope="session")
def stack_templates(test_databases: TestDatabases) -> Iterator[StackTemplates]:
    """A migrated database per service, cloned for each stack. (identity-commerce gets its
    own template: the in-process tests keep connections open to theirs, and a database with
    open connections cannot be a template.)"""
    templates = StackTemplates(
        identity=identity_databases(test_databases.server_url),
        catalog=catalog_databases(test_databases.server_url),
        notifications=notifications_databases(test_databases.server_url),
    )
    try:
        for databases in templates.all():
            databases.create_migrated()
        yield templates
    finally:
        for databases in templates.all():
            databases.drop_all()


@pytest.fixture(scope="module")
def shop(
    stack_templates: StackTemplates,
    tokens: TokenFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """catalog-fulfillment, identity-commerce, notifications and localstripe as processes,
    shared by the tests of one module (each test uses its own skus and shoppers)."""
    tag = uuid.uuid4().hex[:8]
    log_dir = tmp_path_factory.mktemp(f"stack-{tag}")
    keys = tokens.keys_dir
    identity_db = stack_templates.identity.clone(f"s{tag}")
    catalog_db = stack_templates.catalog.clone(f"s{tag}")
    notifications_db = stack_templates.notifications.clone(f"s{tag}")
    started: list[LiveService] = []
    # The other services ask identity-commerce about the accounts behind user tokens, so
    # its address is fixed before they start.
    identity_port = free_port()
    identity_url = f"http://127.0.0.1:{identity_port}"
    try:
        localstripe = start_localstripe(log_dir)
        started.append(localstripe)
        notifications = start_service(
            "notifications",
            "notifications.main:create_app",
            {
                "NOTIFICATIONS_DATABASE_URL": notifications_db,
                "NOTIFY_EMAIL_PROVIDER": "file",
                "NOTIFY_SMS_PROVIDER": "file",
                "NOTIFY_FILE_DIR": str(log_dir / "mail"),
                "IDENTITY_URL": identity_url,
            },
            log_dir=log_dir,
            keys_dir=keys,
        )
        started.append(notifications)
        catalog = start_service(
            "catalog-fulfillment",
            "catalog_fulfillment.main:create_app",
            {
                "CATALOG_DATABASE_URL": catalog_db,
                "NOTIFICATIONS_URL": notifications.url,
                "LISTING_CACHE_SECONDS": "0",
                "OUTBOX_POLL_SECONDS": "0.5",
                "IDENTITY_URL": identity_url,
            },
            log_dir=log_dir,
            keys_dir=keys,
        )
        started.append(catalog)
        stack = Stack(
            tokens=tokens,
            log_dir=log_dir,
            identity_db=identity_db,
            catalog_db=catalog_db,
            notifications_db=notifications_db,
            localstripe=localstripe,
            notifications=notifications,
            catalog=catalog,
            identity=None,  # type: ignore[arg-type]
        )
        stack.identity = stack.start_identity(port=identity_port)
        started.append(stack.identity)
        register_webhook(localstripe.url, stack.identity.url)
    except BaseException:
        for service in reversed(started):
            service.stop()
        raise
    yield stack
    stack.stop()
