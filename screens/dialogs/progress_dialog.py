"""A dialog that runs one long models operation at a time, with a progress bar and a cancel event.

The operation runs in a Textual thread worker on its own connection. From that thread it
reports progress, its result and its expected failures as Messages (`post_message`), never with
`call_from_thread`: the operation does not wait for the screen, so a write transaction is never
held open while the UI catches up. Progress is throttled to one Message each PROGRESS_SECONDS
(and the last), so a large file does not flood the UI. Escape sets the cancel event while the
operation runs (the operation checks it and stops) and closes the dialog when it is idle.
"""

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from models.store.db import DatabaseUnavailable, connection
from screens.dialogs.dialog import Dialog, ResultType
from screens.widgets.overflow_scroll import OverflowScroll

PROGRESS_SECONDS = 0.1  # the progress bar moves at most this often


class ProgressDialog(Dialog[ResultType]):
    """A field, a progress bar, a report and buttons; one operation at a time runs in a thread
    worker, stopped by escape. Subclasses give their content and what to do with results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Stop / close"),
        Binding("pageup", "scroll_body(False)", "Scroll the report up", show=False),
        Binding("pagedown", "scroll_body(True)", "Scroll the report down", show=False),
    ]
    WORKER_GROUP: ClassVar[str] = "progress-dialog"
    EXPECTED: ClassVar[tuple[type[BaseException], ...]] = (DatabaseUnavailable,)
    """Failures with a message for people: reported in the dialog by `failed`."""
    STOPPING_TEXT: ClassVar[str] = "Stopping…"

    running: reactive[bool] = reactive(False, init=False, toggle_class="-running")
    """An operation runs: the field and the buttons wait, the progress bar shows."""

    class Progress(Message, bubble=False):
        """How far the running operation is (posted from its thread)."""

        def __init__(self, done: int, total: int):
            super().__init__()
            self.done = done
            self.total = total

    class Done(Message, bubble=False):
        """The operation finished; `then` takes its result (posted from its thread)."""

        def __init__(self, result: Any, then: Callable[[Any], None]):
            super().__init__()
            self.result = result
            self.then = then

    class Failed(Message, bubble=False):
        """The operation failed in a way foreseen (posted from its thread)."""

        def __init__(self, error: BaseException):
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self._last_progress = 0.0  # when the last Progress was posted; the worker's own

    # --- the frame ---

    def compose_top(self) -> ComposeResult:
        """The dialog's fields, then the progress bar."""
        yield from self.compose_fields()
        yield ProgressBar(id=self.part_id("progress"), classes="dialog-progress", show_eta=False)

    def compose_fields(self) -> ComposeResult:
        """Under the title: the field (an Input of class `dialog-field`) and its options."""
        yield from ()

    def compose_body(self) -> ComposeResult:
        """The report, scrolling when it does not fit."""
        with OverflowScroll(id=self.part_id("report-scroll"), classes="dialog-body"):
            yield Static("", id=self.part_id("report"), classes="dialog-report", markup=False)

    def compose_buttons(self) -> ComposeResult:
        """The dialog's own buttons, then Close."""
        yield from self.compose_actions()
        yield Button(
            Content("Close"), id=self.part_id("close"), classes="dialog-close", compact=True
        )

    def compose_actions(self) -> ComposeResult:
        """The dialog's own buttons, before Close."""
        yield from ()

    @property
    def field(self) -> Input:
        """The field the dialog starts in."""
        return self.query_one(".dialog-field", Input)

    def on_mount(self) -> None:
        """Start in the field."""
        self.field.focus()
        self.opened()

    def opened(self) -> None:
        """Called once the dialog shows, focus in the field."""

    def on_unmount(self) -> None:
        """Leaving (the app quits) stops a running operation."""
        self.cancel_event.set()

    def report(self, text: str, error: bool = False) -> None:
        """Show plain text (already made safe) under the progress bar, from its start."""
        report = self.query_one(".dialog-report", Static)
        report.update(self.report_visual(text))
        report.set_class(error, "-error")
        self.query_one(".dialog-body", OverflowScroll).scroll_home(animate=False)

    def report_visual(self, text: str) -> Any:
        """How the report shows `text`."""
        return Content(text)

    # --- running an operation ---

    def watch_running(self, running: bool) -> None:
        """The field and the buttons wait while an operation runs; the cursor is back in the
        field when it ends."""
        self.field.disabled = running
        for button in self.query(Button):
            button.disabled = running
        if running:
            self.set_focus(None)  # off the disabled field: escape reaches the dialog
        else:
            self.field.focus()

    def begin(self, text: str, total: int | None = None) -> bool:
        """An operation starts (False when one runs already): the progress bar shows, the
        report says `text`, escape stops it."""
        if self.running:
            return False
        self.cancel_event.clear()
        self._last_progress = 0.0
        self.running = True
        self.query_one(".dialog-progress", ProgressBar).update(total=total, progress=0)
        self.report(text)
        return True

    def run_operation(self, operation: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run `operation` (a models call given `cancel_event` and `report_progress`) in a
        thread worker on its own connection; `then` takes its result on the UI thread, and
        `failed` its failure. One at a time per dialog: the group is exclusive."""
        self.run_worker(
            lambda: self._operate(operation, then),
            thread=True,
            exclusive=True,
            group=self.WORKER_GROUP,
            exit_on_error=False,
        )

    def _operate(self, operation: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """The worker's body, on its thread: run, then post the outcome."""
        try:
            with connection():
                result = operation()
        except self.EXPECTED as error:
            self.post_message(self.Failed(error))
        else:
            self.post_message(self.Done(result, then))

    def report_progress(self, done: int, total: int) -> None:
        """The progress callback, on the worker's thread: a Progress message now and then, and
        for the last step."""
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS or done >= total:
            self._last_progress = now
            self.post_message(self.Progress(done, total))

    def on_progress_dialog_progress(self, event: Progress) -> None:
        """Move the progress bar."""
        self.query_one(".dialog-progress", ProgressBar).update(
            total=max(event.total, 1), progress=event.done
        )

    def on_progress_dialog_done(self, event: Done) -> None:
        """The operation finished: hand its result on."""
        self.running = False
        event.then(event.result)

    def on_progress_dialog_failed(self, event: Failed) -> None:
        """The operation failed as foreseen: say why."""
        self.running = False
        self.failed(event.error)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure nobody foresaw still ends the operation with a message."""
        if event.worker.group == self.WORKER_GROUP and event.state == WorkerState.ERROR:
            event.stop()
            self.running = False
            self.unexpected(event.worker.error or RuntimeError("the worker failed"))

    def failed(self, error: BaseException) -> None:
        """An expected failure: say why in the report."""
        self.report(str(error), error=True)

    def unexpected(self, error: BaseException) -> None:
        """A failure nobody foresaw: reported as an expected one unless a subclass says more."""
        self.failed(error)

    # --- keys ---

    def action_cancel(self) -> None:
        """Stop the running operation, or close the dialog."""
        if self.running:
            self.cancel_event.set()
            self.report(self.STOPPING_TEXT)
        else:
            self.close_idle()

    @on(Button.Pressed, ".dialog-close")
    def _close_pressed(self) -> None:
        self.close_idle()

    def close_idle(self) -> None:
        """Close the dialog when nothing runs (escape, or Close)."""
        self.dismiss(None)
