"""The permission matrix of a service's back office (docs/permissions.md), checked route by
route: staff reach the routes of the permission they hold and get 403 from every other, an
admin reaches every route, a customer and staff holding nothing reach none.

A route is `(method, path, JSON body or None, the permission it needs; None: admins only)`.
"Reaching" a route means getting past the permission check: one of the `passed` statuses
(a 404 for a made-up id is past it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import httpx

BackOfficeRoute = tuple[str, str, Any, str | None]
Headers = Mapping[str, str]


async def assert_staff_reach_only(
    client: httpx.AsyncClient,
    routes: Iterable[BackOfficeRoute],
    staff: Headers,
    permission: str,
    *,
    passed: Collection[int],
) -> None:
    """`staff` (the headers of staff holding `permission` only) reach that permission's
    routes and no other."""
    for method, path, body, needed in routes:
        answer = await client.request(method, path, json=body, headers=staff)
        if needed == permission:
            assert answer.status_code in passed, (path, answer.status_code, answer.text)
        else:
            assert answer.status_code == 403, (permission, path, answer.status_code)


async def assert_admin_reach_all_and_others_none(
    client: httpx.AsyncClient,
    routes: Iterable[BackOfficeRoute],
    admin: Headers,
    others: Sequence[Headers],
    *,
    passed: Collection[int],
) -> None:
    """`admin` reaches every route; each of `others` (a customer, staff holding nothing)
    gets 403 from every one."""
    for method, path, body, _ in routes:
        by_admin = await client.request(method, path, json=body, headers=admin)
        assert by_admin.status_code in passed, (path, by_admin.status_code, by_admin.text)
        for headers in others:
            answer = await client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 403, (path, answer.status_code)
