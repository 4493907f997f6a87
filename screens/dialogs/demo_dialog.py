"""Add demo customers from the app: how many, a progress bar, and escape to stop.

The fill runs in a thread worker (models.demo.generate) on its own connection, one committed batch at a
time; escape stops it after the batch being written, and the customers already added stay.
"""

import threading
import time
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from models.demo.generate import (
    COUNT_LABEL,
    MAX_DEMO_COUNT,
    BadDemoCount,
    DemoStopped,
    ensure_demo_data,
    fill_demo_database,
    parse_demo_count,
)
from models.store.db import DatabaseUnavailable, with_connection
from screens.error_report import report_failure
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe
from styles import stylesheet

DEFAULT_COUNT = 1_000
PROGRESS_SECONDS = 0.1  # the progress bar moves at most this often
FILL_GROUP = "demo-fill"


def _customers(count: int) -> str:
    return f"{count:,} demo customer{'' if count == 1 else 's'}"


class DemoDialog(KeepRunning, ModalScreen[int]):
    """Ask how many demo customers to add, then add them with a progress bar; escape stops a
    running fill after the batch being written, or closes. Toasts what happened; dismissed
    with how many customers were added (0 when none)."""

    CSS_PATH = stylesheet("demo_dialog.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Stop / close"),
    ]

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
        self._cancel = threading.Event()
        self._filling = False
        self._count = 0
        self._added = 0  # committed by the running fill; written by the worker thread
        self._kept = 0  # added by earlier fills of this dialog that failed part-way
        self._last_progress = 0.0

    def compose(self) -> ComposeResult:
        """Title, count, progress, report, buttons and the keys."""
        with Vertical(id="demo-dialog"):
            yield Label(Content("Add demo customers"), id="demo-title")
            yield Label(Content(f"{COUNT_LABEL} (1 to {MAX_DEMO_COUNT:,}):"), id="demo-count-label")
            yield SafeInput(
                value=f"{self._initial:,}", id="demo-count", compact=True, paste_name="the number"
            )
            yield ProgressBar(id="demo-progress", show_eta=False)
            yield Static("", id="demo-report", markup=False)
            with Horizontal(id="demo-buttons"):
                yield Button(Content("Add"), id="demo-add", variant="primary", compact=True)
                yield Button(Content("Close"), id="demo-close", compact=True)
            yield Static(Content("Enter adds · Tab moves · Esc stops or closes"), id="demo-keys")

    def on_mount(self) -> None:
        """Start in the count field (or start adding, when asked to)."""
        self.query_one("#demo-count", Input).focus()
        if self._start_at_once:
            self._start()

    def on_unmount(self) -> None:
        """Leaving (the app quits) stops a running fill after its batch."""
        self._cancel.set()

    def _report(self, text: str, error: bool = False) -> None:
        report = self.query_one("#demo-report", Static)
        report.update(Content(text))
        report.set_class(error, "-error")

    def _set_filling(self, filling: bool) -> None:
        self._filling = filling
        self.set_class(filling, "-running")
        self.query_one("#demo-count", Input).disabled = filling
        for button in self.query(Button):
            button.disabled = filling

    # --- adding ---

    @on(Input.Submitted, "#demo-count")
    @on(Button.Pressed, "#demo-add")
    def _start(self) -> None:
        if self._filling:
            return
        try:
            count = parse_demo_count(self.query_one("#demo-count", Input).value)
        except BadDemoCount as error:
            self._report(str(error), error=True)
            return
        self._count, self._added = count, 0
        self._cancel.clear()
        self._set_filling(True)
        self.query_one("#demo-progress", ProgressBar).update(total=count, progress=0)
        self._report(f"Adding {_customers(count)}…")
        self.set_focus(None)  # off the disabled field: escape reaches the dialog
        self._fill(count)

    @work(thread=True, exclusive=True, group=FILL_GROUP, exit_on_error=False)
    def _fill(self, count: int) -> None:
        """Add the customers on this thread's own connection; hand the outcome to the UI."""
        fill = ensure_demo_data if self._only_if_empty else fill_demo_database
        try:
            added = with_connection(
                partial(
                    fill,
                    self.app.settings.staff,
                    count,
                    progress=self._progress,
                    cancel=self._cancel,
                )
            )
        except DemoStopped as stopped:
            self.app.call_from_thread(self._close, str(stopped), stopped.added)
        except DatabaseUnavailable as error:
            self.app.call_from_thread(self._failed, safe(error))
        else:
            self.app.call_from_thread(self._finished, added)

    def _progress(self, done: int) -> None:
        """The progress callback, from the worker thread: moves the bar now and then."""
        self._added = done
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS or done >= self._count:
            self._last_progress = now
            self.app.call_from_thread(self._show_progress, done)

    def _show_progress(self, done: int) -> None:
        self.query_one("#demo-progress", ProgressBar).update(progress=done)

    def _finished(self, added: int) -> None:
        if added == 0:  # only_if_empty, and another process filled it first
            self._close("The database already has customers: no demo customers were added.", 0)
        else:
            self._close(f"Added {_customers(added)}.", added)

    def _failed(self, text: str) -> None:
        """The fill failed: say why, and how many were added (and kept) before."""
        self._set_filling(False)
        kept = (
            f"The {_customers(self._added)} added before that are kept."
            if self._added
            else "No demo customers were added."
        )
        self._report(f"{text.rstrip('.')}. {kept}", error=True)
        self._kept += self._added
        self._added = 0
        self.query_one("#demo-count", Input).focus()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure nobody foresaw is logged and toasted, and ends the fill in the dialog."""
        if event.worker.group == FILL_GROUP and event.state == WorkerState.ERROR:
            event.stop()
            report_failure(self.app, "Adding demo customers stopped", event.worker.error)
            self._failed("Adding demo customers stopped on an unexpected error.")

    # --- keys ---

    def action_cancel(self) -> None:
        """Stop the running fill after its batch, or close the dialog."""
        if self._filling:
            self._cancel.set()
            self._report("Stopping after the batch being written…")
        else:
            self.dismiss(self._kept)

    @on(Button.Pressed, "#demo-close")
    def _close_pressed(self) -> None:
        self.dismiss(self._kept)

    def _close(self, toast: str, added: int) -> None:
        self.notify(toast, markup=False)
        self.dismiss(self._kept + added)
