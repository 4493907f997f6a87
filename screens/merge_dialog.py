"""The merge dialog: two customers side by side; the clerk picks the survivor (s swaps) and, field
by field with the arrow keys, which value it keeps (and whose portal account when both have
one); ctrl+s or enter merges after a confirm. Dismisses with the survivor's id, or None."""

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from models.customers import CustomerNotFound, ValidationFailed
from models.db import connection
from models.fields import label
from models.history import display_value
from models.merge import MergePreview, MergeRefused, MergeResult, merge_customers, merge_preview
from models.tables import PORTAL_STATUS_LABELS
from screens.confirm import ConfirmDialog
from screens.keep_running import KeepRunning
from screens.safe_text import safe
from styles import stylesheet

A, B = "a", "b"
PORTAL_ROW = "portal account"
CHOSEN = "● "
NOT_CHOSEN = "  "
VALUE_WIDTH = 23  # two values and the field's name fit beside each other at 80 columns
KEYS = ("↑↓ field · ←→ keep that value · s swaps the survivor · ctrl+s/enter merges · "
        "esc cancels")


class ChoiceTable(KeepRunning, DataTable):
    """The fields that differ: up/down move, left/right keep the value on that side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "screen.pick('a')", "Keep left", show=False),
        Binding("right", "screen.pick('b')", "Keep right", show=False),
        Binding("enter", "screen.merge", "Merge", show=False),
    ]


class MergeDialog(KeepRunning, ModalScreen[int | None]):
    """Merge two customers into one, choosing what survives."""

    CSS_PATH = stylesheet("merge.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "merge", "Merge"),
        Binding("s", "swap", "Swap survivor"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, a_id: int, b_id: int):
        super().__init__()
        self.a_id, self.b_id = a_id, b_id
        self.preview: MergePreview | None = None
        self.survivor = A
        self.choices: dict[str, str] = {}  # field (or PORTAL_ROW): the side whose value is kept
        self._merging = False

    def compose(self) -> ComposeResult:
        """Title, who survives, the choices, the keys."""
        with Vertical(id="merge-dialog"):
            yield Static(Content("Merge Customers"), id="merge-title")
            yield Static(id="merge-survivor", markup=False)
            yield ChoiceTable(id="merge-table", cursor_type="row")
            yield Static(Content(KEYS), id="merge-keys")

    def on_mount(self) -> None:
        """Read both customers in a worker thread."""
        self.query_one("#merge-dialog").loading = True
        self._load()

    @work(thread=True, exclusive=True, group="merge-preview", exit_on_error=False)
    def _load(self) -> None:
        try:
            with connection():
                preview = merge_preview(self.a_id, self.b_id)
        except (MergeRefused, CustomerNotFound) as refused:
            self.app.call_from_thread(self._refused, str(refused))
            return
        self.app.call_from_thread(self._show_preview, preview)

    def _refused(self, message: str) -> None:
        self.notify(safe(message), title="Not merged", severity="warning", markup=False)
        self.dismiss(None)

    def _show_preview(self, preview: MergePreview) -> None:
        self.preview = preview
        self.choices = {item.name: A for item in preview.differing}
        if preview.portal_choice_needed:
            self.choices[PORTAL_ROW] = A
        table = self.query_one(ChoiceTable)
        table.add_column("Field", key="field")
        table.add_column(self._side_title(A), key=A, width=VALUE_WIDTH)
        table.add_column(self._side_title(B), key=B, width=VALUE_WIDTH)
        for item in preview.differing:
            table.add_row(Text(item.label), *self._cells(item.name), key=item.name)
        if preview.portal_choice_needed:
            table.add_row(Text("Portal account"), *self._cells(PORTAL_ROW), key=PORTAL_ROW)
        if not table.row_count:
            table.add_row(Text("(every field is the same)"), Text(""), Text(""))
        self.query_one("#merge-dialog").loading = False
        self._show_survivor()
        table.focus()

    def _side(self, side: str):
        assert self.preview is not None
        return self.preview.a if side == A else self.preview.b

    def _side_title(self, side: str) -> Text:
        record = self._side(side).record
        return Text(safe(f"{record.code} ({record.display_name})"))

    def _value(self, name: str, side: str) -> str:
        if name == PORTAL_ROW:
            return PORTAL_STATUS_LABELS.get(self._side(side).portal_status, "account")
        return safe(display_value(name, self._side(side).record.values[name]))

    def _cells(self, name: str) -> tuple[Text, Text]:
        """The two values of a row, the kept one marked."""
        return tuple(Text((CHOSEN if self.choices[name] == side else NOT_CHOSEN)
                          + self._value(name, side),
                          style="bold" if self.choices[name] == side else "")
                     for side in (A, B))

    def _show_survivor(self) -> None:
        survivor, other = self._side(self.survivor), self._side(B if self.survivor == A else A)
        words = (f"{survivor.record.code} survives and keeps its code; {other.record.code} is "
                 f"archived and its code will find {survivor.record.code}. "
                 f"{len(self.choices)} choice{'s' if len(self.choices) != 1 else ''}:")
        self.query_one("#merge-survivor", Static).update(Text(safe(words)))

    def action_pick(self, side: str) -> None:
        """Keep the value on one side for the highlighted field."""
        table = self.query_one(ChoiceTable)
        if self.preview is None or not table.row_count:
            return
        name = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        if name not in self.choices:
            return
        self.choices[name] = side
        first, second = self._cells(name)
        table.update_cell(name, A, first)
        table.update_cell(name, B, second)

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
        return {name: self._side(side).record.values[name]
                for name, side in self.choices.items() if name != PORTAL_ROW}

    def action_merge(self) -> None:
        """Ask, then merge."""
        if self.preview is not None and not self._merging:
            self._confirm_merge()

    @work(exclusive=True, group="merge-ask", exit_on_error=False)
    async def _confirm_merge(self) -> None:
        survivor = self._side(self.survivor).record
        other = self._side(B if self.survivor == A else A).record
        question = Content.from_markup(
            "Merge [b]$other[/b] into [b]$survivor[/b]? Its notes, history, access log and "
            "portal account move over; it is archived and its code finds the survivor. The "
            "merge can be undone from the survivor's History tab.",
            other=safe(f"{other.code} ({other.display_name})"),
            survivor=safe(f"{survivor.code} ({survivor.display_name})"))
        if not await self.app.push_screen_wait(ConfirmDialog("Merge Customers", question,
                                                             yes_label="Merge")):
            self.notify("Nothing was merged.", markup=False)
            return
        portal = self.choices.get(PORTAL_ROW)
        self._merging = True
        self._merge(survivor.id, other.id, self.chosen_values(),
                    self._side(portal).record.id if portal else None, self.app.settings.staff)

    @work(thread=True, exclusive=True, group="merge", exit_on_error=False)
    def _merge(self, survivor_id: int, other_id: int, values: dict[str, object],
               portal_from: int | None, staff: str) -> None:
        assert self.preview is not None
        try:
            with connection():
                result = merge_customers(survivor_id, other_id, values, portal_from, staff,
                                         expected_versions=self.preview.versions)
        except ValidationFailed as failure:
            fields = ", ".join(label(name) for name in failure.errors)
            self.app.call_from_thread(self._failed, f"The merged values do not fit together "
                                      f"({fields}): {'; '.join(failure.errors.values())}")
        except (MergeRefused, CustomerNotFound) as refused:
            self.app.call_from_thread(self._failed, str(refused))
        else:
            self.app.call_from_thread(self._merged, result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker: say what failed, keep the choices."""
        if event.state != WorkerState.ERROR:
            return
        self.query_one("#merge-dialog").loading = False
        self._failed(str(event.worker.error))

    def _failed(self, message: str) -> None:
        self._merging = False
        self.notify(safe(message), title="Not merged", severity="error", markup=False)

    def _merged(self, result: MergeResult) -> None:
        self.notify(f"Merged {safe(result.other.code)} into {safe(result.survivor.code)}.",
                    markup=False)
        self.dismiss(result.survivor.id)


async def run_merge(screen: Screen, a_id: int, b_id: int) -> int | None:
    """The merge flow for two customers; call it from an async `@work` method of a screen.
    Returns the survivor's id, or None when nothing was merged."""
    return await screen.app.push_screen_wait(MergeDialog(a_id, b_id))
