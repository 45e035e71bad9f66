"""Real parts a test needs: missing on CI is a failure, elsewhere a skip that says why."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

CI = bool(os.environ.get("CI"))


def unavailable(what: str, error: BaseException) -> NoReturn:
    """Stop the test: `what` could not be started (fail on CI, skip elsewhere)."""
    message = f"{what} is not available: {error}"
    if CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
