"""What the detail-screen tests share: a fixed customer and an app that shows only that screen."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from textual.app import App

from models.store.db import close_database, open_database
from models.store.upgrade import upgrade_database
from screens.customer_detail import CustomerDetailScreen
from styles import APP_STYLESHEETS
from tui.settings import at_the_desk, resolve_settings

SAMPLE = {
    "business_name": "Maple Leaf Supplies",
    "contact_name": "Jane Doe",
    "billing_contact_name": "Jane Doe",
    "billing_street1": "100 Queen St W",
    "billing_city": "Toronto",
    "billing_country": "CA",
    "billing_state": "CA-ON",
    "billing_postal_code": "M5H 2N2",
    "billing_phone": "+1 416 555 0100",
    "billing_email": "jane@example.com",
    "tax_exempt": "state",
    "accepts_marketing": True,
}


class DetailApp(App):
    """The detail screen alone, on an app that has the settings the real app has."""

    CSS_PATH: ClassVar = APP_STYLESHEETS

    def __init__(self, db_url: str, customer_id: int | None, steady_cursor: bool = False):
        super().__init__()
        self.animation_level = "none"  # as over a slow link: no tab underline sliding about
        self.settings = at_the_desk(resolve_settings(db_url, None, False))
        self.customer_id = customer_id
        self.steady_cursor = steady_cursor
        self.dismissed: list[int | None] = []

    def on_mount(self) -> None:
        self.push_screen(CustomerDetailScreen(self.customer_id), self.dismissed.append)

    def on_descendant_focus(self) -> None:
        """For snapshots: a cursor that does not blink is the same in every screenshot."""
        if self.steady_cursor:
            for box in self.screen.query("Input, TextArea"):
                box.cursor_blink = False


@contextmanager
def opened_sqlite(url: str) -> Iterator[str]:
    """An open, migrated SQLite file for tests of what is only shown (one engine is enough)."""
    open_database(url)
    upgrade_database()
    try:
        yield url
    finally:
        close_database()


ASKING = (
    "customer-conflict",
    "customer-leave",
    "customer-actions",
    "note-delete-ask",
    "history-undo-ask",
    "merge-ask",
    "merge-flow",
)  # workers waiting on a dialog


async def settle(pilot) -> None:
    """Let the database workers finish (not those waiting on a dialog) and the screen catch up."""
    for _ in range(3):  # a finished worker may start the next one
        working = [worker for worker in pilot.app.workers if worker.group not in ASKING]
        if working:  # (an empty list would mean every worker)
            await pilot.app.workers.wait_for_complete(working)
        await pilot.pause()


def screen_text(app) -> str:
    """Every character the screen would send to the terminal."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
