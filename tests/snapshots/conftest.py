"""Snapshots show times as a staff member in UTC sees them, whatever the machine's zone."""

from collections.abc import Iterator

import pytest
from support.clock import time_zone


@pytest.fixture(autouse=True)
def snapshots_in_utc() -> Iterator[None]:
    """Every snapshot test runs with TZ=UTC, so its SVG does not depend on where it runs."""
    with time_zone("UTC"):
        yield
