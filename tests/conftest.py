"""Shared pytest options: ``--regen`` rewrites the golden files of tests/golden/."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current code (each regenerated test then fails, so the flag "
        "can never be left on: review `git diff tests/golden` and rerun without it)",
    )


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--regen"))
