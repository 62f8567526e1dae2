"""Nobody can lock another person out, and nobody can choose the address they are counted as.

Against a real uvicorn process, each client from its own loopback source address (the whole
127.0.0.0/8 block reaches a server listening on 127.0.0.1), so what is tested is the socket
peer the service sees, exactly as in production, never a header a client may forge.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from shopkit.testing.database import TestDatabases
from shopkit.testing.live import LiveService
from shopkit.testing.plugin import LiveProcesses

from .account_factories import unique_email

PASSWORD = "Owner-pass-1"

# A block of loopback addresses per test process, so parallel runs never share counters.
_addresses = itertools.count(1)
_BLOCK = os.getpid() % 200 + 20


def new_address() -> str:
    n = next(_addresses)
    return f"127.{_BLOCK}.{n // 250}.{n % 250 + 2}"


@pytest.fixture
def from_address() -> Iterator[Callable[[str], httpx.Client]]:
    """`from_address(url)`: an HTTP client whose connections come from a fresh loopback
    address (call it again for another address)."""
    clients: list[httpx.Client] = []

    def make(base_url: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=new_address())
        client = httpx.Client(base_url=base_url, transport=transport, timeout=30)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def start_identity(
    live_processes: LiveProcesses, test_databases: TestDatabases, **env: str
) -> LiveService:
    url = test_databases.clone(f"lockout_{os.urandom(3).hex()}")
    return live_processes.start(
        "identity",
        "identity_commerce.main:create_app",
        env={
            "IDENTITY_DATABASE_URL": url,
            "OUTBOX_RELAY_ENABLED": "false",
            "ORDER_EXPIRY_SWEEPER_ENABLED": "false",
            **env,
        },
    )


def sign_up(client: httpx.Client) -> str:
    email = unique_email("owner")
    body = {"email": email, "password": PASSWORD, "first_name": "O", "last_name": "W"}
    assert client.post("/auth/signup", json=body).status_code == 201
    return email


def login(client: httpx.Client, email: str, password: str, **headers: str) -> httpx.Response:
    return client.post("/auth/login", json={"email": email, "password": password}, headers=headers)


def test_six_bad_logins_from_one_address_do_not_lock_the_owner_out_elsewhere(
    live_processes: LiveProcesses,
    test_databases: TestDatabases,
    from_address: Callable[[str], httpx.Client],
) -> None:
    identity = start_identity(live_processes, test_databases)
    email = sign_up(from_address(identity.url))
    attacker, owner = from_address(identity.url), from_address(identity.url)

    answers = [login(attacker, email, f"guess-{n}").status_code for n in range(6)]
    assert answers == [401, 401, 401, 401, 401, 429]

    assert login(owner, email, PASSWORD).status_code == 200
    # The guessing address stays blocked for this account, even with the right password.
    blocked = login(attacker, email, PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900


def test_a_client_cannot_choose_its_address_with_x_forwarded_for(
    live_processes: LiveProcesses,
    test_databases: TestDatabases,
    from_address: Callable[[str], httpx.Client],
) -> None:
    """No proxy is listed: a forged X-Forwarded-For changes nothing, from 127.0.0.1 (which
    uvicorn itself would trust by default) or from anywhere else."""
    identity = start_identity(live_processes, test_databases, LOGIN_MAX_FAILURES_PER_CLIENT="5")
    sprayer = httpx.Client(base_url=identity.url, timeout=30)  # from 127.0.0.1
    try:
        answers = [
            login(
                sprayer,
                unique_email("spray"),
                "Password1",
                **{"X-Forwarded-For": f"198.51.100.{n}"},
            ).status_code
            for n in range(6)
        ]
    finally:
        sprayer.close()
    assert answers == [401, 401, 401, 401, 401, 429]

    other = from_address(identity.url)
    answers = [
        login(
            other, unique_email("spray"), "Password1", **{"X-Forwarded-For": f"203.0.113.{n}"}
        ).status_code
        for n in range(6)
    ]
    assert answers == [401, 401, 401, 401, 401, 429]


def test_a_listed_proxy_forwards_each_clients_address(
    live_processes: LiveProcesses,
    test_databases: TestDatabases,
    from_address: Callable[[str], httpx.Client],
) -> None:
    proxy_address = new_address()
    identity = start_identity(
        live_processes, test_databases, FORWARDED_ALLOW_IPS=f"{proxy_address}/32, ::1"
    )
    email = sign_up(from_address(identity.url))
    proxy = httpx.Client(
        base_url=identity.url,
        transport=httpx.HTTPTransport(local_address=proxy_address),
        timeout=30,
    )
    with proxy:
        # What a client sends is kept on the left; the proxy appends the peer it saw.
        guesser = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
        answers = [login(proxy, email, f"guess-{n}", **guesser).status_code for n in range(6)]
        assert answers == [401, 401, 401, 401, 401, 429]
        assert login(proxy, email, PASSWORD, **guesser).status_code == 429
        # Another client behind the same proxy is another address.
        owner = {"X-Forwarded-For": "198.51.100.8"}
        assert login(proxy, email, PASSWORD, **owner).status_code == 200


def test_guesses_from_many_addresses_slow_the_account_down_but_never_lock_it(
    live_processes: LiveProcesses,
    test_databases: TestDatabases,
    from_address: Callable[[str], httpx.Client],
) -> None:
    identity = start_identity(
        live_processes,
        test_databases,
        LOGIN_ACCOUNT_FREE_FAILURES="10",
        LOGIN_ACCOUNT_BACKOFF_BASE_SECONDS="2",
        LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS="4",
    )
    email = sign_up(from_address(identity.url))
    home = from_address(identity.url)
    assert login(home, email, PASSWORD).status_code == 200  # the owner's usual address

    # A botnet: ten addresses, one wrong guess each (no address reaches its own limit).
    for _ in range(10):
        assert login(from_address(identity.url), email, "guess").status_code == 401
    slowed = login(from_address(identity.url), email, "guess")
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert 1 <= wait <= 4  # a short wait, not a lockout

    # The owner at home is not slowed at all; from a new address, after the short wait.
    assert login(home, email, PASSWORD).status_code == 200
    travelling = from_address(identity.url)
    refused = login(travelling, email, PASSWORD)
    if refused.status_code == 429:
        time.sleep(int(refused.headers["Retry-After"]))
        refused = login(travelling, email, PASSWORD)
    assert refused.status_code == 200
