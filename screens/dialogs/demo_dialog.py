"""Add demo customers from the app: how many, a progress bar, and escape to stop.

The fill runs in the ProgressDialog's thread worker (models.demo.generate) on its own
connection, one committed batch at a time; escape stops it after the batch being written, and
the customers already added stay.
"""

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Input, Label

from models.demo.generate import (
    COUNT_LABEL,
    MAX_DEMO_COUNT,
    BadDemoCount,
    DemoStopped,
    ensure_demo_data,
    fill_demo_database,
    parse_demo_count,
)
from models.store.db import DatabaseUnavailable
from screens.desk_app import settings_of
from screens.dialogs.progress_dialog import ProgressDialog
from screens.error_report import report_failure
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe

DEFAULT_COUNT = 1_000


def _customers(count: int) -> str:
    return f"{count:,} demo customer{'' if count == 1 else 's'}"


class DemoDialog(ProgressDialog[int]):
    """Ask how many demo customers to add, then add them with a progress bar; escape stops a
    running fill after the batch being written, or closes. Toasts what happened; dismissed
    with how many customers were added (0 when none)."""

    PREFIX = "demo"
    TITLE_TEXT = "Add demo customers"
    KEYS_TEXT = "Enter adds · Tab moves · Esc stops or closes"
    SCROLL_KEYS_TEXT = "PgUp/PgDn scroll the report"
    WORKER_GROUP = "demo-fill"
    EXPECTED = (DemoStopped, DatabaseUnavailable)
    STOPPING_TEXT = "Stopping after the batch being written…"

    def __init__(
        self, count: int = DEFAULT_COUNT, only_if_empty: bool = False, start_at_once: bool = False
    ):
        """`count` is what the field starts with; `only_if_empty` adds customers only to a
        database that has none yet, and `start_at_once` starts without waiting for enter (both
        as `custdesk --demo` does the first time)."""
        super().__init__()
        self._initial = count
        self._only_if_empty = only_if_empty
        self._start_at_once = start_at_once
        self._count = 0
        self._added = 0  # committed by the running fill; written by the worker thread
        self._kept = 0  # added by earlier fills of this dialog that failed part-way

    def compose_fields(self) -> ComposeResult:
        """How many customers to add."""
        yield Label(
            Content(f"{COUNT_LABEL} (1 to {MAX_DEMO_COUNT:,}):"),
            id="demo-count-label",
            classes="dialog-label",
        )
        yield SafeInput(
            value=f"{self._initial:,}",
            id="demo-count",
            classes="dialog-field",
            compact=True,
            paste_name="the number",
        )

    def compose_actions(self) -> ComposeResult:
        """Add."""
        yield Button(Content("Add"), id="demo-add", variant="primary", compact=True)

    def opened(self) -> None:
        """Start adding at once, when asked to."""
        if self._start_at_once:
            self._start()

    # --- adding ---

    @on(Input.Submitted, "#demo-count")
    @on(Button.Pressed, "#demo-add")
    def _start(self) -> None:
        if self.running:
            return
        try:
            count = parse_demo_count(self.field.value)
        except BadDemoCount as error:
            self.report(str(error), error=True)
            return
        self._count, self._added = count, 0
        self.begin(f"Adding {_customers(count)}…", total=count)
        fill = ensure_demo_data if self._only_if_empty else fill_demo_database
        self.run_operation(
            partial(
                fill,
                settings_of(self.app).staff,
                count,
                progress=self._progress,
                cancel=self.cancel_event,
            ),
            self._finished,
        )

    def _progress(self, done: int) -> None:
        """The models' progress callback (on the worker's thread): note how many are in."""
        self._added = done
        self.report_progress(done, self._count)

    def _finished(self, added: int) -> None:
        if added == 0:  # only_if_empty, and another process filled it first
            self._close("The database already has customers: no demo customers were added.", 0)
        else:
            self._close(f"Added {_customers(added)}.", added)

    def failed(self, error: BaseException) -> None:
        """Stopped: close with what was added. Failed: say why, and how many were added (and
        kept) before."""
        if isinstance(error, DemoStopped):
            self._close(str(error), error.added)
            return
        self._failed(safe(error))

    def _failed(self, text: str) -> None:
        kept = (
            f"The {_customers(self._added)} added before that are kept."
            if self._added
            else "No demo customers were added."
        )
        self.report(f"{text.rstrip('.')}. {kept}", error=True)
        self._kept += self._added
        self._added = 0

    def unexpected(self, error: BaseException) -> None:
        """A failure nobody foresaw is logged and toasted, and ends the fill in the dialog."""
        report_failure(self.app, "Adding demo customers stopped", error)
        self._failed("Adding demo customers stopped on an unexpected error.")

    # --- closing ---

    def close_idle(self) -> None:
        """Escape or Close: with how many earlier fills added."""
        self.dismiss(self._kept)

    def _close(self, toast: str, added: int) -> None:
        self.notify(toast, markup=False)
        self.dismiss(self._kept + added)
