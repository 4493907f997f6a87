"""The process's local time zone, set for a test: what staff see depends on `TZ`."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def time_zone(name: str) -> Iterator[None]:
    """Run the block with `TZ` set to `name` (an IANA zone such as Europe/Berlin), then put the
    process's zone back as it was."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
