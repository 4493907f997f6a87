"""The merge dialog: two customers side by side; the clerk picks the survivor (s swaps) and, field
by field with the arrow keys, which value it keeps (and whose portal account when both have
one); ctrl+s or enter merges after a confirm. Dismisses with the survivor's id, or None.

The two value columns share the table's width (recomputed when it changes); under the table
the highlighted field's two values show in full, wrapped."""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.customers import CustomerNotFound, ValidationFailed
from models.fields import label
from models.merge import MergePreview, MergeRefused, MergeResult, merge_customers, merge_preview
from models.staff.session import StaffSession
from models.store.tables import PORTAL_STATUS_LABELS
from models.validation import display_value
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.dialog import Dialog
from screens.error_report import report_failure
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_text import safe

A, B = "a", "b"
PORTAL_ROW = "portal account"
CHOSEN = "● "
NOT_CHOSEN = "  "
MIN_VALUE_WIDTH = 12  # a value column never gets narrower than this
KEYS = "↑↓ field · ←→ keep value · s swap survivor · ctrl+s/enter merge · esc cancel"


class ChoiceTable(KeepRunning, DataTable):
    """The fields that differ: up/down move, left/right keep the value on that side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "screen.pick('a')", "Keep left", show=False),
        Binding("right", "screen.pick('b')", "Keep right", show=False),
        Binding("enter", "screen.merge", "Merge", show=False),
    ]

    class Resized(Message):
        """The table's size changed: its value columns should share the new width."""

    def on_resize(self) -> None:
        """Say the width may have changed."""
        self.post_message(self.Resized())

    def value_width(self, field_width: int) -> int:
        """The width each of two value columns gets beside a field column this wide (room
        kept for the cell padding and a scroll bar)."""
        spare = (
            self.size.width
            - self.styles.scrollbar_size_vertical
            - field_width
            - 6 * self.cell_padding
        )
        return max(MIN_VALUE_WIDTH, spare // 2)


class MergeDialog(Dialog[int | None]):
    """Merge two customers into one, choosing what survives."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "merge", "Merge"),
        Binding("s", "swap", "Swap survivor"),
        Binding("escape", "cancel", "Cancel"),
    ]

    @dataclass
    class PreviewRead(WorkDone[MergePreview]):
        """Both customers, side by side (or why they cannot be merged)."""

    @dataclass
    class Merged(WorkDone[MergeResult]):
        """The merge ran (or was refused)."""

    def __init__(self, a_id: int, b_id: int):
        super().__init__()
        self.a_id, self.b_id = a_id, b_id
        self.preview: MergePreview | None = None
        self.survivor = A
        self.choices: dict[str, str] = {}  # field (or PORTAL_ROW): the side whose value is kept
        self._merging = False
        self._value_width = 0  # of the value columns shown

    def compose(self) -> ComposeResult:
        """Title, who survives, the choices, the highlighted field's values, the keys."""
        with Vertical(id="merge-dialog", classes="dialog"):
            with Vertical(id="merge-top", classes="dialog-top"):
                yield Static(Content("Merge Customers"), id="merge-title", classes="dialog-title")
                yield Static(id="merge-survivor", markup=False)
            yield ChoiceTable(id="merge-table", cursor_type="row")
            with Vertical(id="merge-bottom", classes="dialog-bottom"):
                yield Static(id="merge-detail", markup=False)
                yield Static(Content(KEYS), id="merge-keys", classes="dialog-keys")

    def on_mount(self) -> None:
        """Read both customers in a worker thread."""
        self.query_one("#merge-dialog").loading = True
        self._load()

    def _load(self) -> None:
        run_db(
            self,
            partial(merge_preview, self.a_id, self.b_id),
            self.PreviewRead,
            group=WorkerGroup.MERGE_PREVIEW,
            refusals=(MergeRefused, CustomerNotFound),
        )

    @on(PreviewRead)
    def _preview_read(self, event: PreviewRead) -> None:
        match event.outcome:
            case Done(preview):
                self._show_preview(preview)
            case Refused(MergeRefused() | CustomerNotFound() as refused):
                self._refused(str(refused))
            case Refused(error):
                self.query_one("#merge-dialog").loading = False
                self._failed(str(error))
            case Unexpected(error):
                self.query_one("#merge-dialog").loading = False
                self._broke(error)

    def _refused(self, message: str) -> None:
        self.notify(safe(message), title="Not merged", severity="warning", markup=False)
        self.dismiss(None)

    def _show_preview(self, preview: MergePreview) -> None:
        self.preview = preview
        self.choices = {item.name: A for item in preview.differing}
        if preview.portal_choice_needed:
            self.choices[PORTAL_ROW] = A
        self.query_one("#merge-title", Static).update(
            Text(f"Merge Customers: {self._side_title(A)} and {self._side_title(B)}")
        )
        self._fill_table()
        self.query_one("#merge-dialog").loading = False
        self._show_survivor()
        self.query_one(ChoiceTable).focus()

    def _labels(self) -> dict[str, str]:
        """The rows of the table: field (or PORTAL_ROW) and its label."""
        assert self.preview is not None
        labels = {item.name: item.label for item in self.preview.differing}
        if self.preview.portal_choice_needed:
            labels[PORTAL_ROW] = "Portal account"
        return labels

    def _field_width(self) -> int:
        """The width of the field column: its longest label."""
        return max(cell_len(text) for text in ["Field", *self._labels().values()])

    def _fill_table(self) -> None:
        """(Re)build the table with value columns that share its width, cursor kept."""
        table = self.query_one(ChoiceTable)
        labels = self._labels()
        field_width = self._field_width()
        self._value_width = table.value_width(field_width)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("Field", key="field", width=field_width)
        for side in (A, B):
            table.add_column(
                Text(self._side_title(side), no_wrap=True, overflow="ellipsis"),
                key=side,
                width=self._value_width,
            )
        for name, text in labels.items():
            table.add_row(Text(text), *self._cells(name), key=name)
        if not table.row_count:
            table.add_row(Text("(every field is the same)"), Text(""), Text(""))
        # as tall as its rows, known now (height: auto waits for the table to measure itself)
        table.styles.height = table.header_height + table.row_count
        table.move_cursor(row=row, animate=False)
        self._show_detail()

    def on_choice_table_resized(self) -> None:
        """The table's size changed: share its width out again, keep the cursor in sight."""
        if self.preview is None:
            return
        table = self.query_one(ChoiceTable)
        if table.value_width(self._field_width()) != self._value_width:
            self._fill_table()
        else:
            table.move_cursor(row=table.cursor_row)

    def on_data_table_row_highlighted(self) -> None:
        """Show the highlighted field's values in full."""
        self._show_detail()

    def _highlighted(self) -> str | None:
        """The field (or PORTAL_ROW) of the highlighted row, None for no choice."""
        table = self.query_one(ChoiceTable)
        if self.preview is None or not table.row_count:
            return None
        name = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return name if name in self.choices else None

    def _show_detail(self) -> None:
        """The highlighted field's two values, whole and wrapped, the kept one marked."""
        name = self._highlighted()
        lines = Text()
        if name is not None:
            for side in (A, B):
                kept = self.choices[name] == side
                lines.append(
                    ("\n" if side == B else "")
                    + (CHOSEN if kept else NOT_CHOSEN)
                    + safe(self._side(side).record.code)
                    + ": "
                )
                lines.append(self._value(name, side), style="bold" if kept else "")
        self.query_one("#merge-detail", Static).update(lines)

    def _side(self, side: str):
        assert self.preview is not None
        return self.preview.a if side == A else self.preview.b

    def _side_title(self, side: str) -> str:
        record = self._side(side).record
        return safe(f"{record.code} ({record.display_name})")

    def _value(self, name: str, side: str) -> str:
        if name == PORTAL_ROW:
            return PORTAL_STATUS_LABELS.get(self._side(side).portal_status, "account")
        return safe(display_value(name, self._side(side).record.values[name]))

    def _cells(self, name: str) -> tuple[Text, Text]:
        """The two values of a row, the kept one marked."""
        return self._cell(name, A), self._cell(name, B)

    def _cell(self, name: str, side: str) -> Text:
        """One side's value of a row, marked when it is the kept one."""
        return Text(
            (CHOSEN if self.choices[name] == side else NOT_CHOSEN) + self._value(name, side),
            style="bold" if self.choices[name] == side else "",
            no_wrap=True,
            overflow="ellipsis",
        )

    def _show_survivor(self) -> None:
        survivor, other = self._side(self.survivor), self._side(B if self.survivor == A else A)
        words = (
            f"{survivor.record.code} survives and keeps its code; {other.record.code} is "
            f"archived and its code will find {survivor.record.code}. "
            f"{len(self.choices)} choice{'s' if len(self.choices) != 1 else ''}:"
        )
        self.query_one("#merge-survivor", Static).update(Text(safe(words)))

    def action_pick(self, side: str) -> None:
        """Keep the value on one side for the highlighted field."""
        name = self._highlighted()
        if name is None:
            return
        self.choices[name] = side
        first, second = self._cells(name)
        table = self.query_one(ChoiceTable)
        table.update_cell(name, A, first)
        table.update_cell(name, B, second)
        self._show_detail()

    def action_swap(self) -> None:
        """The other customer survives instead (the values picked stay picked)."""
        if self.preview is not None:
            self.survivor = B if self.survivor == A else A
            self._show_survivor()

    def action_cancel(self) -> None:
        """Close without merging."""
        self.dismiss(None)

    def chosen_values(self) -> dict[str, object]:
        """The fields whose value the survivor takes from the picked side."""
        return {
            name: self._side(side).record.values[name]
            for name, side in self.choices.items()
            if name != PORTAL_ROW
        }

    def action_merge(self) -> None:
        """Ask, then merge."""
        if self.preview is not None and not self._merging:
            self._confirm_merge()

    @work(exclusive=True, group=WorkerGroup.MERGE_ASK)
    async def _confirm_merge(self) -> None:
        survivor = self._side(self.survivor).record
        other = self._side(B if self.survivor == A else A).record
        question = Content.from_markup(
            "Merge [b]$other[/b] into [b]$survivor[/b]? Its notes, history, access log and "
            "portal account move over; it is archived and its code finds the survivor. The "
            "merge can be undone from the survivor's History tab.",
            other=safe(f"{other.code} ({other.display_name})"),
            survivor=safe(f"{survivor.code} ({survivor.display_name})"),
        )
        if not await self.app.push_screen_wait(
            ConfirmDialog("Merge Customers", question, yes_label="Merge")
        ):
            self.notify("Nothing was merged.", markup=False)
            return
        portal = self.choices.get(PORTAL_ROW)
        self._merging = True
        self._merge(
            survivor.id,
            other.id,
            self.chosen_values(),
            self._side(portal).record.id if portal else None,
            settings_of(self.app).staff,
        )

    def _merge(
        self,
        survivor_id: int,
        other_id: int,
        values: dict[str, object],
        portal_from: int | None,
        staff: StaffSession,
    ) -> None:
        assert self.preview is not None
        work = partial(
            merge_customers,
            survivor_id,
            other_id,
            values,
            portal_from,
            staff,
            expected_versions=self.preview.versions,
        )
        run_db(
            self,
            work,
            self.Merged,
            group=WorkerGroup.MERGE,
            refusals=(ValidationFailed, MergeRefused, CustomerNotFound),
        )

    @on(Merged)
    def _merged(self, event: Merged) -> None:
        match event.outcome:
            case Done(result):
                self.notify(
                    f"Merged {safe(result.other.code)} into {safe(result.survivor.code)}.",
                    markup=False,
                )
                self.dismiss(result.survivor.id)
            case Refused(ValidationFailed() as failure):
                fields = ", ".join(label(name) for name in failure.errors)
                self._failed(
                    f"The merged values do not fit together "
                    f"({fields}): {'; '.join(failure.errors.values())}"
                )
            case Refused(error):
                self._failed(str(error))
            case Unexpected(error):
                self._broke(error)

    def _broke(self, error: Exception) -> None:
        """A bug stopped the merge (or its preview): logged with its traceback."""
        self._merging = False
        report_failure(self.app, "The customers could not be merged", error, title="Not merged")

    def _failed(self, message: str) -> None:
        self._merging = False
        self.notify(safe(message), title="Not merged", severity="error", markup=False)


async def run_merge(screen: Screen, a_id: int, b_id: int) -> int | None:
    """The merge flow for two customers; call it from an async `@work` method of a screen.
    Returns the survivor's id, or None when nothing was merged."""
    return await screen.app.push_screen_wait(MergeDialog(a_id, b_id))
