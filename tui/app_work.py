"""The app's own database work: its result messages, loaded after the first frame (they bring
models/ and peewee with them, which tui/app.py leaves out of start-up)."""

from dataclasses import dataclass

from models.customers import has_customers
from screens.db_work import WorkDone


@dataclass
class DemoChecked(WorkDone[bool]):
    """Whether the demo database has customers yet."""


@dataclass
class AttemptRefused(WorkDone[None]):
    """models/ was asked for something the role may not do (it should refuse)."""


def demo_has_customers() -> bool:
    """Whether the demo database holds customers (runs in a worker thread)."""
    return has_customers()
