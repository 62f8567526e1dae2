from __future__ import annotations

from collections.abc import Iterator

import pytest

from .stack import Stack, build_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """All services and localstripe as real processes for the tests of one module."""
    built = build_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield built
    finally:
        built.shutdown()
