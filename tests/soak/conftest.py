"""Soak tests (``make soak``): minutes long, so ``make test`` leaves them out unless HUB_SOAK=1."""

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HUB_SOAK") == "1":
        return
    skip = pytest.mark.skip(reason="a soak test: HUB_SOAK=1 (make soak) runs it")
    for item in items:
        if "tests/soak/" in str(item.fspath):
            item.add_marker(skip)
