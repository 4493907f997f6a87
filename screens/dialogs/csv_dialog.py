"""Import and export customer CSV files from the list: a path, a preview, progress and cancel.

The file's work runs in a thread worker (models.transfer.customer_import / customer_export) with a
progress callback and a cancel flag; escape cancels a running step (nothing is changed) or
closes the dialog. Everything read from a file is shown through the display sanitiser. A report
longer than the screen scrolls (PgUp/PgDn, or tab to it and the arrows).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, SelectionList, Static
from textual.worker import Worker, WorkerState

from models.staff.session import StaffSession
from models.store.db import DatabaseUnavailable, connection
from models.transfer.csv_format import Cancelled
from models.transfer.customer_export import (
    ExportTargetExists,
    ExportTargetUnwritable,
    export_to_file,
)
from models.transfer.customer_import import (
    BadFile,
    DuplicateChoice,
    ImportConflict,
    ImportPreview,
    UnreadableFile,
    apply_import,
    preview_import,
)
from models.transfer.import_report import ReportStyle, import_report
from screens.widgets.keep_running import KeepRunning
from screens.widgets.overflow_scroll import OverflowScroll
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe
from styles import stylesheet

SHOWN_PROBLEMS = 3  # bad rows listed in the dialog; `custdesk import --dry-run` lists them all
PROGRESS_SECONDS = 0.1  # the progress bar moves at most this often
HANG = 2  # a problem's wrapped rest starts this much further in than its "Line N"
SCROLL_KEYS = "PgUp/PgDn scroll the report"
EXPECTED = (
    BadFile,
    UnreadableFile,
    Cancelled,
    ImportConflict,
    ExportTargetExists,
    ExportTargetUnwritable,
    DatabaseUnavailable,
)  # failures with a message for people


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


IMPORT_REPORT = ReportStyle(
    duplicates=(
        "Likely duplicates (listed below) are skipped: tick a row (space) or "
        "Create all to create it anyway."
    ),
    clashes="Rows with codes of existing customers: tick Update to update them.",
    shown=SHOWN_PROBLEMS,
    more=" (custdesk import --dry-run FILE lists them all)",
    list_duplicates=False,  # they are listed to tick, below the report
)


def preview_report(name: str, preview: ImportPreview) -> str:
    """The preview as the dialog shows it (models/transfer/import_report.py), safe to show."""
    return "\n".join(safe(line) for line in import_report(name, preview, IMPORT_REPORT))


class ReportText(Visual):
    """Report lines as plain text; an indented line (a problem) wraps with its rest indented
    under its "Line N, Column:", not back at the left edge. str() gives the text."""

    def __init__(self, text: str):
        self._text = text
        self._lines = [
            (len(line) - len(line.lstrip(" ")), Content(line.lstrip(" ")))
            for line in text.split("\n")
        ]

    def __str__(self) -> str:
        return self._text

    @staticmethod
    def _body_width(width: int, indent: int) -> int:
        return max(width - indent - (HANG if indent else 0), 1)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """Each line wrapped in the width left beside its indent, the indent put back."""
        plain = replace(options, selection=None)  # (selection offsets would not line up)
        strips = []
        for indent, line in self._lines:
            body = line.render_strips(self._body_width(width, indent), None, style, plain)
            for number, strip in enumerate(body):
                pad = indent + (HANG if number and indent else 0)
                strips.append(
                    Strip.join([Strip.blank(pad, style.rich_style), strip]) if pad else strip
                )
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """The widest line, with its indent."""
        return max(
            indent + line.get_optimal_width(rules, container_width) for indent, line in self._lines
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        """The lines once wrapped."""
        return sum(
            line.get_height(rules, self._body_width(width, indent)) for indent, line in self._lines
        )


class CsvDialog(KeepRunning, ModalScreen[str | None]):
    """The shared frame: a file path, a progress bar, a report, buttons; escape cancels or
    closes. Dismissed with what to toast (None when nothing happened)."""

    CSS_PATH = stylesheet("csv_dialog.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel / close"),
        Binding("pageup", "scroll_report(False)", "Scroll the report up", show=False),
        Binding("pagedown", "scroll_report(True)", "Scroll the report down", show=False),
    ]
    TITLE_TEXT = ""
    PATH_LABEL = ""
    KEYS_TEXT = ""

    def __init__(self, staff: StaffSession) -> None:
        super().__init__()
        self._staff = staff
        self._cancel = threading.Event()
        self._step_running = False
        self._last_progress = 0.0

    def compose(self) -> ComposeResult:
        """Title, path, options, progress, report, buttons and the keys."""
        with Vertical(id="csv-dialog"):
            with Vertical(id="csv-top"):
                yield Label(Content(self.TITLE_TEXT), id="csv-title")
                yield Label(Content(self.PATH_LABEL), id="csv-path-label")
                yield SafeInput(
                    value=self.default_path(),
                    id="csv-path",
                    compact=True,
                    paste_name="the file name",
                )
                yield from self.options()
                yield ProgressBar(id="csv-progress", show_eta=False)
            with OverflowScroll(id="csv-report-scroll"):
                yield Static("", id="csv-report", markup=False)
            with Vertical(id="csv-bottom"):
                yield from self.choices()
                with Horizontal(id="csv-buttons"):
                    yield from self.buttons()
                    yield Button(Content("Close"), id="csv-close", compact=True)
                yield Static(Content(self.KEYS_TEXT), id="csv-keys")

    def default_path(self) -> str:
        """What the path field starts with."""
        return ""

    def options(self) -> ComposeResult:
        """Widgets between the path and the progress bar."""
        yield from ()

    def choices(self) -> ComposeResult:
        """Widgets between the report and the buttons."""
        yield from ()

    def buttons(self) -> ComposeResult:
        """The dialog's own buttons, before Close."""
        yield from ()

    def on_mount(self) -> None:
        """Start in the path field."""
        self.query_one("#csv-path", Input).focus()

    @property
    def path(self) -> Path:
        """The typed path, with ~ expanded."""
        return Path(self.query_one("#csv-path", Input).value.strip()).expanduser()

    def report(self, text: str, error: bool = False) -> None:
        """Show plain text (already made safe) under the progress bar, from its start."""
        report = self.query_one("#csv-report", Static)
        report.update(ReportText(text))
        report.set_class(error, "-error")
        self.query_one("#csv-report-scroll", OverflowScroll).scroll_home(animate=False)

    def on_overflow_scroll_overflow(self, event: OverflowScroll.Overflow) -> None:
        """Name the keys that scroll the report while it does not fit."""
        self.query_one("#csv-keys", Static).update(
            Content(f"{self.KEYS_TEXT}\n{SCROLL_KEYS}" if event.overflows else self.KEYS_TEXT)
        )

    def action_scroll_report(self, down: bool) -> None:
        """Scroll the report a page, wherever the focus is."""
        scroll = self.query_one("#csv-report-scroll", OverflowScroll)
        if down:
            scroll.scroll_page_down()
        else:
            scroll.scroll_page_up()

    # --- running a step ---

    def start(self, text: str) -> None:
        """A step begins: progress shows, the path and buttons wait, escape cancels."""
        self._cancel.clear()
        self._step_running = True
        self.set_class(True, "-running")
        bar = self.query_one("#csv-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#csv-path", Input).disabled = True
        for button in self.query(Button):
            button.disabled = True
        self.report(text)
        self.set_focus(None)  # off the disabled field: escape reaches the dialog

    def finish(self) -> None:
        """A step ended (done, failed or cancelled): the cursor goes back to the path."""
        self._step_running = False
        self.set_class(False, "-running")
        path = self.query_one("#csv-path", Input)
        path.disabled = False
        for button in self.query(Button):
            button.disabled = False
        path.focus()

    def progress(self, stage: str, done: int, total: int) -> None:
        """The progress callback, from the worker thread: moves the bar now and then."""
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS or done >= total:
            self._last_progress = now
            self.app.call_from_thread(self._show_progress, stage, done, total)

    def _show_progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#csv-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def failed(self, error: BaseException) -> None:
        """A step failed: say why in the dialog; nothing was changed."""
        self.finish()
        text = safe(error)
        if not isinstance(error, Cancelled | DatabaseUnavailable | ImportConflict):
            text += " Nothing was changed."
        self.report(text, error=True)
        self.query_one("#csv-path", Input).focus()

    @work(thread=True, exclusive=True, group="csv-file", exit_on_error=False)
    def run_step(self, step: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run a file step in a thread on its own connection; hand its result to `then`, or
        its expected failure to `failed`, on the UI thread."""
        try:
            with connection():
                result = step()
        except EXPECTED as error:
            self.app.call_from_thread(self.failed, error)
            return
        self.app.call_from_thread(then, result)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A failure nobody foresaw still ends the step with a message."""
        if event.worker.group == "csv-file" and event.state == WorkerState.ERROR:
            event.stop()
            self.failed(event.worker.error)

    # --- keys ---

    def action_cancel(self) -> None:
        """Cancel the running step, or close the dialog."""
        if self._step_running:
            self._cancel.set()
            self.report("Cancelling…")
        else:
            self.close(None)

    @on(Button.Pressed, "#csv-close")
    def _close_pressed(self) -> None:
        self.close(None)

    def close(self, outcome: str | None) -> None:
        """Close the dialog with what to toast."""
        self.dismiss(outcome)


class CsvImportDialog(CsvDialog):
    """Check a CSV file, show what importing it would do, then import all of it or nothing."""

    TITLE_TEXT = "Import customers from a CSV file"
    PATH_LABEL = "File (columns as in the README):"
    KEYS_TEXT = "Enter checks the file · Tab moves · Esc cancels or closes"

    def __init__(self, staff: StaffSession):
        super().__init__(staff)
        self._preview: ImportPreview | None = None

    def options(self) -> ComposeResult:
        """Whether rows naming existing customers' codes update them."""
        yield Checkbox(
            Content("Update customers whose code is in the file"), id="csv-update", compact=True
        )

    def choices(self) -> ComposeResult:
        """The likely duplicates, each to tick to create anyway, and a box for all of them
        (shown only when the file has some)."""
        with Vertical(id="csv-duplicates"):
            yield Checkbox(
                Content("Create all likely duplicates anyway"), id="csv-dup-all", compact=True
            )
            yield SelectionList[int](id="csv-dup-rows", compact=True)

    def buttons(self) -> ComposeResult:
        """Check, and Import all (once a clean preview is shown)."""
        yield Button(Content("Check file"), id="csv-check", variant="primary", compact=True)
        yield Button(Content("Import all"), id="csv-import", variant="success", compact=True)

    @on(Input.Submitted, "#csv-path")
    @on(Button.Pressed, "#csv-check")
    def _check(self) -> None:
        if not self.query_one("#csv-path", Input).value.strip():
            self.report("Type the path of the CSV file to import.", error=True)
            return
        self._drop_preview()
        self.start(f"Checking {safe(self.path.name)}…")
        update = self.query_one("#csv-update", Checkbox).value
        self.run_step(
            partial(
                preview_import,
                self.path,
                update=update,
                progress=self.progress,
                cancel=self._cancel,
            ),
            self._previewed,
        )

    @on(Input.Changed, "#csv-path")
    @on(Checkbox.Changed, "#csv-update")
    def _choice_changed(self) -> None:
        if self._preview is not None:
            self._drop_preview()
            self.report("Check the file again.")

    def _previewed(self, preview: ImportPreview) -> None:
        self.finish()
        self.report(preview_report(preview.path.name, preview), error=not preview.ok)
        if preview.ok and preview.has_work:
            self._preview = preview
            self.set_class(True, "-can-import")
            self._show_duplicates(preview)
            self.query_one("#csv-import", Button).focus()
        else:
            preview.close()

    def _show_duplicates(self, preview: ImportPreview) -> None:
        """List the likely duplicates, none ticked (all are skipped unless chosen)."""
        self.query_one("#csv-dup-all", Checkbox).value = False
        rows = self.query_one("#csv-dup-rows", SelectionList)
        rows.clear_options()
        rows.add_options(
            [
                (Content(safe(f"Line {row.line}: {row.message}")), row.line)
                for row in preview.duplicates
            ]
        )
        self.set_class(bool(preview.duplicate_count), "-duplicates")

    @on(Checkbox.Changed, "#csv-dup-all")
    def _all_duplicates(self, event: Checkbox.Changed) -> None:
        rows = self.query_one("#csv-dup-rows", SelectionList)
        if event.value:
            rows.select_all()
        else:
            rows.deselect_all()

    def duplicate_choice(self) -> DuplicateChoice:
        """What the clerk chose: the ticked rows are created, and with Create all every row
        not listed (beyond the list's length) too."""
        rows = self.query_one("#csv-dup-rows", SelectionList)
        ticked = frozenset(rows.selected)
        listed = frozenset(row.line for row in self._preview.duplicates) if self._preview else ()
        return DuplicateChoice(
            self.query_one("#csv-dup-all", Checkbox).value, ticked, frozenset(listed) - ticked
        )

    @on(Button.Pressed, "#csv-import")
    def _import(self) -> None:
        if self._preview is None:
            return
        name = safe(self._preview.path.name)
        self.start(f"Importing {name}…")
        self.run_step(
            partial(
                apply_import,
                self._preview,
                self._staff,
                progress=self.progress,
                cancel=self._cancel,
                duplicates=self.duplicate_choice(),
            ),
            lambda result: self.close(
                f"Imported {name}: {result.created:,} created, "
                f"{result.updated:,} updated, {result.unchanged:,} unchanged"
                + (
                    f", {_plural(result.skipped, 'likely duplicate')} skipped."
                    if result.skipped
                    else "."
                )
            ),
        )

    def failed(self, error: BaseException) -> None:
        """A failed step leaves no preview to import."""
        self._drop_preview()
        super().failed(error)

    def _drop_preview(self) -> None:
        if self._preview is not None:
            self._preview.close()
            self._preview = None
        self.set_class(False, "-can-import")
        self.set_class(False, "-duplicates")

    def close(self, outcome: str | None) -> None:
        """Close the dialog, dropping the planned writes of an unused preview."""
        self._drop_preview()
        super().close(outcome)


class CsvExportDialog(CsvDialog):
    """Export every customer not archived to a new CSV file."""

    TITLE_TEXT = "Export customers to a CSV file"
    PATH_LABEL = "New file (every customer not archived, in code order):"
    KEYS_TEXT = "Enter exports · Tab moves · Esc cancels or closes"

    def default_path(self) -> str:
        """customers-YYYY-MM-DD.csv in the current folder."""
        return f"customers-{date.today().isoformat()}.csv"

    def buttons(self) -> ComposeResult:
        """Export, and Overwrite (once the file turns out to exist)."""
        yield Button(Content("Export"), id="csv-export", variant="primary", compact=True)
        yield Button(Content("Overwrite"), id="csv-overwrite", variant="warning", compact=True)

    @on(Input.Submitted, "#csv-path")
    @on(Button.Pressed, "#csv-export")
    def _export(self) -> None:
        self._run(overwrite=False)

    @on(Button.Pressed, "#csv-overwrite")
    def _overwrite(self) -> None:
        self._run(overwrite=True)

    @on(Input.Changed, "#csv-path")
    def _path_changed(self) -> None:
        self.set_class(False, "-exists")

    def _run(self, overwrite: bool) -> None:
        if not self.query_one("#csv-path", Input).value.strip():
            self.report("Type the path of the file to write.", error=True)
            return
        self.set_class(False, "-exists")
        path = self.path
        self.start(f"Exporting to {safe(path)}…")
        self.run_step(
            partial(
                export_to_file,
                path,
                self._staff,
                overwrite=overwrite,
                progress=self.progress,
                cancel=self._cancel,
            ),
            lambda count: self.close(f"Exported {_plural(count, 'customer')} to {safe(path)}."),
        )

    def failed(self, error: BaseException) -> None:
        """An existing file offers Overwrite."""
        super().failed(error)
        if isinstance(error, ExportTargetExists):
            self.set_class(True, "-exists")
