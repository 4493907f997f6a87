"""Import and export customer CSV files from the list: a path, a preview, progress and cancel.

The file's work runs in the ProgressDialog's thread worker (models.transfer.customer_import /
customer_export) with its progress callback and cancel event; escape cancels a running step
(nothing is changed) or closes the dialog. Everything read from a file is shown through the
display sanitiser. A report longer than the screen scrolls (PgUp/PgDn, or tab to it and the
arrows).
"""

from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Button, Checkbox, Input, Label, SelectionList

from models.staff.session import StaffSession
from models.store.db import DatabaseUnavailable
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
from screens.dialogs.progress_dialog import ProgressDialog
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe

SHOWN_PROBLEMS = 3  # bad rows listed in the dialog; `custdesk import --dry-run` lists them all
HANG = 2  # a problem's wrapped rest starts this much further in than its "Line N"
SCROLL_KEYS = "PgUp/PgDn scroll the report"
FILE_FAILURES = (
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


class CsvDialog(ProgressDialog[str | None]):
    """A file path, a progress bar, a report, buttons; escape cancels the running step or
    closes. Dismissed with what to toast (None when nothing happened)."""

    PREFIX = "csv"
    WORKER_GROUP = "csv-file"
    EXPECTED = FILE_FAILURES
    STOPPING_TEXT = "Cancelling…"
    SCROLL_KEYS_TEXT = SCROLL_KEYS
    PATH_LABEL = ""

    def __init__(self, staff: StaffSession) -> None:
        super().__init__()
        self._staff = staff

    def compose_fields(self) -> ComposeResult:
        """The path and the dialog's options."""
        yield Label(Content(self.PATH_LABEL), id="csv-path-label", classes="dialog-label")
        yield SafeInput(
            value=self.default_path(),
            id="csv-path",
            classes="dialog-field",
            compact=True,
            paste_name="the file name",
        )
        yield from self.compose_options()

    def default_path(self) -> str:
        """What the path field starts with."""
        return ""

    def compose_options(self) -> ComposeResult:
        """Widgets between the path and the progress bar."""
        yield from ()

    @property
    def path(self) -> Path:
        """The typed path, with ~ expanded."""
        return Path(self.field.value.strip()).expanduser()

    def report_visual(self, text: str) -> ReportText:
        """The report's problems wrap under their line numbers."""
        return ReportText(text)

    def progress(self, stage: str, done: int, total: int) -> None:
        """The models' progress callback (on the worker's thread)."""
        self.report_progress(done, total)

    def failed(self, error: BaseException) -> None:
        """A step failed: say why in the dialog; nothing was changed."""
        text = safe(error)
        if not isinstance(error, Cancelled | DatabaseUnavailable | ImportConflict):
            text += " Nothing was changed."
        self.report(text, error=True)

    def close_idle(self) -> None:
        """Escape or Close: nothing to toast."""
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

    def compose_options(self) -> ComposeResult:
        """Whether rows naming existing customers' codes update them."""
        yield Checkbox(
            Content("Update customers whose code is in the file"), id="csv-update", compact=True
        )

    def compose_choices(self) -> ComposeResult:
        """The likely duplicates, each to tick to create anyway, and a box for all of them
        (shown only when the file has some)."""
        with Vertical(id="csv-duplicates"):
            yield Checkbox(
                Content("Create all likely duplicates anyway"), id="csv-dup-all", compact=True
            )
            yield SelectionList[int](id="csv-dup-rows", compact=True)

    def compose_actions(self) -> ComposeResult:
        """Check, and Import all (once a clean preview is shown)."""
        yield Button(Content("Check file"), id="csv-check", variant="primary", compact=True)
        yield Button(Content("Import all"), id="csv-import", variant="success", compact=True)

    @on(Input.Submitted, "#csv-path")
    @on(Button.Pressed, "#csv-check")
    def _check(self) -> None:
        if not self.field.value.strip():
            self.report("Type the path of the CSV file to import.", error=True)
            return
        self._drop_preview()
        if not self.begin(f"Checking {safe(self.path.name)}…"):
            return
        update = self.query_one("#csv-update", Checkbox).value
        self.run_operation(
            partial(
                preview_import,
                self.path,
                update=update,
                progress=self.progress,
                cancel=self.cancel_event,
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
        if not self.begin(f"Importing {name}…"):
            return
        self.run_operation(
            partial(
                apply_import,
                self._preview,
                self._staff,
                progress=self.progress,
                cancel=self.cancel_event,
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

    def compose_actions(self) -> ComposeResult:
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
        if not self.field.value.strip():
            self.report("Type the path of the file to write.", error=True)
            return
        self.set_class(False, "-exists")
        path = self.path
        if not self.begin(f"Exporting to {safe(path)}…"):
            return
        self.run_operation(
            partial(
                export_to_file,
                path,
                self._staff,
                overwrite=overwrite,
                progress=self.progress,
                cancel=self.cancel_event,
            ),
            lambda count: self.close(f"Exported {_plural(count, 'customer')} to {safe(path)}."),
        )

    def failed(self, error: BaseException) -> None:
        """An existing file offers Overwrite."""
        super().failed(error)
        if isinstance(error, ExportTargetExists):
            self.set_class(True, "-exists")
