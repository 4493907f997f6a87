"""The History tab of the detail screen: the audit trail newest first; a merge that can still be
undone is undone from here (u, after a confirm)."""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from models.customers import CustomerNotFound
from models.history import HistoryRow, history_page
from models.merge import MergeRefused, MergeResult, undo_merge
from models.paging import RecordPage
from models.staff.permissions import Permission
from models.staff.session import StaffSession
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.dialogs.confirm import ConfirmDialog
from screens.role_gate import RoleGated
from screens.widgets.keep_running import KeepRunning
from screens.widgets.notes_tab import RecordTab, when
from screens.widgets.safe_text import safe

UNDO_HINT = "  u: undo this merge"


class HistoryList(RoleGated, KeepRunning, OptionList):
    """The events, newest first; u asks to undo the highlighted merge."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("u", "undo", "Undo merge")]
    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {"undo": Permission.MERGE}

    undoable_ids: frozenset[str] = frozenset()  # the options that are merges still undoable

    class UndoAsked(Message):
        """The clerk asked to undo the highlighted merge."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer undo only on a merge that can still be undone."""
        if action == "undo":
            option = self.highlighted_option
            if option is None or option.id not in self.undoable_ids:
                return False
        return super().check_action(action, parameters)

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def action_undo(self) -> None:
        """Ask the tab to undo the highlighted merge."""
        self.post_message(self.UndoAsked())


def history_prompt(row: HistoryRow) -> Text:
    """An event as the list shows it: when, who and what, then each detail on its own line."""
    head = Text.assemble(when(row.at), "  ", safe(row.staff), "  ", (row.title, "bold"))
    lines = [head, *(Text("  " + safe(line)) for line in row.lines)]
    if row.undoable:
        lines.append(Text(UNDO_HINT, style="italic"))
    return Text("\n").join(lines)


class HistoryTab(RecordTab[HistoryRow]):
    """Read the customer's history; undo a merge."""

    EMPTY = "No history yet."
    NOUN = "events"

    class CustomerChanged(Message):
        """An undone merge changed the customer: the screen reads it again."""

    @dataclass
    class Undone(WorkDone[MergeResult]):
        """A merge was undone (or refused)."""

    def compose(self) -> ComposeResult:
        """The empty line and the events."""
        yield from self.compose_empty()
        yield HistoryList(id="history-list")

    def fetch(
        self, staff: StaffSession, customer_id: int, after: HistoryRow | None, limit: int
    ) -> RecordPage[HistoryRow]:
        """A page of the customer's history, newest first."""
        return history_page(customer_id, staff, after, limit)

    def show_rows(self, rows: list[HistoryRow]) -> None:
        """List the events from the newest."""
        events = self.query_one(HistoryList)
        events.undoable_ids = frozenset(str(row.id) for row in rows if row.undoable)
        events.clear_options()
        events.add_options([Option(history_prompt(row), id=str(row.id)) for row in rows])
        events.display = bool(rows)
        if rows:
            events.highlighted = 0

    def append_rows(self, rows: list[HistoryRow]) -> None:
        """Add older events at the end of the list."""
        events = self.query_one(HistoryList)
        events.undoable_ids |= {str(row.id) for row in rows if row.undoable}
        events.add_options([Option(history_prompt(row), id=str(row.id)) for row in rows])

    @on(OptionList.OptionHighlighted, "#history-list")
    def _event_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """On the last event shown, read the older ones."""
        if event.option_index >= len(self.rows) - 1:
            self.load_more()

    def focus_first(self) -> None:
        """The list of events."""
        self.query_one(HistoryList).focus()

    @on(HistoryList.UndoAsked)
    def _undo_asked(self) -> None:
        events = self.query_one(HistoryList)
        if events.highlighted is None or events.highlighted >= len(self.rows):
            return
        row = self.rows[events.highlighted]
        if not row.undoable:
            self.notify(
                "Only a merge that has not been undone can be undone here.",
                severity="warning",
                markup=False,
            )
            return
        self._confirm_undo(row)

    @work(exclusive=True, group=WorkerGroup.HISTORY_UNDO_ASK)
    async def _confirm_undo(self, row: HistoryRow) -> None:
        question = Content.from_markup(
            "Undo this merge ($when, by $staff)?\n\n$what\n\nBoth customers become as they were "
            "before it, with their own notes, history, access log and portal account.",
            when=when(row.at),
            staff=safe(row.staff),
            what=safe(row.lines[0] if row.lines else ""),
        )
        dialog = ConfirmDialog("Undo Merge", question, yes_label="Undo merge", focus_no=True)
        if await self.app.push_screen_wait(dialog):
            self._undo(row.id, settings_of(self.app).staff)
        else:
            self.notify("Nothing was changed.", markup=False)

    def _undo(self, event_id: int, staff: StaffSession) -> None:
        run_db(
            self,
            partial(undo_merge, event_id, staff),
            self.Undone,
            group=WorkerGroup.HISTORY_UNDO,
            refusals=(MergeRefused, CustomerNotFound),
        )

    @on(Undone)
    def _undone(self, event: Undone) -> None:
        match event.outcome:
            case Done(result):
                self.notify(
                    f"Merge undone: {safe(result.other.code)} is its own customer again.",
                    markup=False,
                )
                self.post_message(self.CustomerChanged())
                self.show_customer(self.customer_id)
            case Refused(MergeRefused() | CustomerNotFound() as refused):
                self.notify(safe(refused), title="Not undone", severity="warning", markup=False)
            case Refused(error) | Unexpected(error):
                self.failed(error)
