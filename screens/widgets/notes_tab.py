"""The Notes tab of the detail screen: add a note (internal or public), list them newest first,
delete the highlighted one after a confirm. Also the base of the three record tabs."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import ClassVar, Generic

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from models.clock import shown_time
from models.customers import CustomerNotFound
from models.notes import (
    MAX_NOTE_CHARS,
    NoteRefused,
    NoteRow,
    add_note,
    delete_note,
    notes_page,
)
from models.paging import PAGE_ROWS, RecordPage, Row
from models.staff.permissions import NotPermitted, Permission
from models.staff.session import StaffSession
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.dialogs.confirm import ConfirmDialog
from screens.error_report import report_failure
from screens.role_gate import RoleGated
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_editors import SafeTextArea
from screens.widgets.safe_text import safe

UNSAVED = "A new customer has no notes, history or access log yet: save it first (ctrl+s)."


def when(at: datetime) -> str:
    """A stored (naive UTC) time as the record tabs show it: in the staff member's zone."""
    return shown_time(at)


def safe_lines(text: str, indent: str = "") -> Text:
    """Several lines of untrusted text, each made safe, as one renderable."""
    return Text("\n".join(indent + safe(line) for line in text.split("\n")))


class RecordTab(KeepRunning, Vertical, Generic[Row]):
    """A tab of rows about a saved customer, newest first, read in a thread worker each time it
    is shown, a page at a time: the next (older) page is read when the cursor reaches the last
    row, and a line says how many of how many are shown."""

    EMPTY = "Nothing here yet."
    NOUN = "rows"

    @dataclass
    class RowsRead(WorkDone[RecordPage]):
        """A page of a customer's rows, read for this tab: from the newest (`after` None) or
        below the row `after`, for the reading of this tab numbered `generation`."""

        customer_id: int
        generation: int
        after: object | None

    def __init__(self, *, id: str):
        super().__init__(id=id)
        self.customer_id: int | None = None
        self.rows: list[Row] = []  # the rows on show, newest first
        self.total = 0
        self._more = False  # whether older rows follow the last one on show
        self._generation = 0  # moves on with each reading from the newest; older pages drop
        self._reading = False

    def compose_empty(self) -> ComposeResult:
        """The line shown when there is nothing to list (or no saved customer yet), and the
        line that counts the rows on show."""
        yield Static(id=f"{self.id}-empty", classes="record-empty", markup=False)
        yield Static(id=f"{self.id}-count", classes="record-count", markup=False)

    def show_customer(self, customer_id: int | None) -> None:
        """Read the rows of this customer again, from the newest (as many as are on show), or
        say that a new customer has none."""
        first_time = customer_id != self.customer_id
        self.customer_id = customer_id
        self._generation += 1
        self.set_class(customer_id is None, "-unsaved")
        if customer_id is None:
            self._say(UNSAVED)
            self._reading, self.rows, self.total, self._more = False, [], 0, False
            self._show_count()
            self.show_rows([])
            return
        self.loading = first_time  # (a reload keeps the cursor where it is)
        limit = PAGE_ROWS if first_time else max(PAGE_ROWS, len(self.rows))
        self._read(customer_id, None, limit)

    def load_more(self) -> None:
        """Read the next older page, when there is one and no reading runs."""
        if self._more and not self._reading and self.customer_id is not None and self.rows:
            self._read(self.customer_id, self.rows[-1], PAGE_ROWS)

    def _say(self, words: str) -> None:
        empty = self.query_one(".record-empty", Static)
        empty.update(Content(words))
        empty.display = bool(words)

    def _show_count(self) -> None:
        """Say how many of the customer's rows are on show ("n of N")."""
        count = self.query_one(".record-count", Static)
        words = f"{len(self.rows):,} of {self.total:,} {self.NOUN}"
        if self._more:
            words += " (older ones load at the end of the list)"
        count.update(Content(words))
        count.display = bool(self.rows)

    def _read(self, customer_id: int, after: Row | None, limit: int) -> None:
        self._reading = True
        run_db(
            self,
            partial(self.fetch, settings_of(self.app).staff, customer_id, after, limit),
            partial(
                self.RowsRead, customer_id=customer_id, generation=self._generation, after=after
            ),
            group=WorkerGroup.RECORD_TAB,
            exclusive=False,
        )

    @on(RowsRead)
    def _loaded(self, event: RowsRead) -> None:
        if event.generation != self._generation or event.customer_id != self.customer_id:
            return  # a newer reading is on its way
        self._reading = False
        match event.outcome:
            case Done(page):
                self.loading = False
                if self.is_attached:
                    self._page_read(page, event.after is not None)
            case Refused(error) | Unexpected(error):
                self.failed(error)

    def _page_read(self, page: RecordPage[Row], appended: bool) -> None:
        self.total, self._more = page.total, page.more
        if appended:
            self.rows += page.rows
            self.append_rows(page.rows)
        else:
            self.rows = list(page.rows)
            self._say("" if page.rows else self.EMPTY)
            self.show_rows(self.rows)
        self._show_count()

    def fetch(
        self, staff: StaffSession, customer_id: int, after: Row | None, limit: int
    ) -> RecordPage[Row]:
        """A page of the customer's rows below `after` (runs in a worker thread, inside a
        connection)."""
        raise NotImplementedError

    def show_rows(self, rows: list[Row]) -> None:
        """Put the rows on the screen, in place of those there."""
        raise NotImplementedError

    def append_rows(self, rows: list[Row]) -> None:
        """Add older rows after those on the screen."""
        raise NotImplementedError

    def focus_first(self) -> None:
        """Put the cursor where the clerk starts in this tab."""
        raise NotImplementedError

    def failed(self, error: Exception) -> None:
        """Work of this tab did not happen for a reason it does not explain itself: a refusal
        for the role is said in the tab, anything else as a failure."""
        self.loading = False
        if isinstance(error, NotPermitted):
            self._say(safe(error))
            return
        report_failure(self.app, "Could not read this tab", error)


class NoteList(RoleGated, KeepRunning, OptionList):
    """The notes, newest first; delete asks to delete the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("delete", "delete_note", "Delete note")]
    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {"delete_note": Permission.EDIT}

    class DeleteAsked(Message):
        """The clerk asked to delete the highlighted note."""

    def action_delete_note(self) -> None:
        """Ask the tab to delete the highlighted note."""
        self.post_message(self.DeleteAsked())


def note_prompt(note: NoteRow) -> Text:
    """A note as the list shows it: a line of who, when and whom for, then the text."""
    head = Text.assemble(
        (f"{note.visibility} note", "bold"), "  ", when(note.created_at), "  ", safe(note.author)
    )
    return Text("\n").join([head, safe_lines(note.body, "  ")])


class NotesTab(RoleGated, RecordTab[NoteRow]):
    """Add, read and delete a customer's notes."""

    EMPTY = "No notes yet."
    NOUN = "notes"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+n", "add_note", "Add note")]
    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {"add_note": Permission.EDIT}

    @dataclass
    class Added(WorkDone[NoteRow]):
        """A note was added (or refused)."""

    @dataclass
    class Deleted(WorkDone[NoteRow]):
        """A note was deleted (or refused)."""

    def compose(self) -> ComposeResult:
        """The editor, the public switch and its message, then the notes."""
        with Vertical(id="note-editor"):
            yield SafeTextArea(
                id="note-body",
                soft_wrap=True,
                show_line_numbers=False,
                placeholder="Type a note; ctrl+n adds it",
                max_length=MAX_NOTE_CHARS,
                paste_name="a note",
            )
            with Horizontal(id="note-controls"):
                yield Checkbox("Public (shown in the portal)", id="note-public")
                yield Static(Content("ctrl+n adds · del deletes"), id="note-keys")
            yield Static(id="note-error", markup=False)
        yield from self.compose_empty()
        yield NoteList(id="note-list")

    def fetch(
        self, staff: StaffSession, customer_id: int, after: NoteRow | None, limit: int
    ) -> RecordPage[NoteRow]:
        """A page of the customer's notes, newest first."""
        return notes_page(customer_id, staff, after, limit)

    def show_rows(self, rows: list[NoteRow]) -> None:
        """List the notes, keeping the highlight on the same row number."""
        notes = self.query_one(NoteList)
        highlighted, had_focus = notes.highlighted, notes.has_focus
        notes.clear_options()
        notes.add_options([Option(note_prompt(note), id=str(note.id)) for note in rows])
        notes.display = bool(rows)
        if rows:
            notes.highlighted = min(highlighted or 0, len(rows) - 1)
        elif had_focus:  # the last note went: the cursor goes to the editor, not nowhere
            self.focus_first()

    def append_rows(self, rows: list[NoteRow]) -> None:
        """Add older notes at the end of the list."""
        self.query_one(NoteList).add_options(
            [Option(note_prompt(note), id=str(note.id)) for note in rows]
        )

    @on(OptionList.OptionHighlighted, "#note-list")
    def _note_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """On the last note shown, read the older ones."""
        if event.option_index >= len(self.rows) - 1:
            self.load_more()

    def focus_first(self) -> None:
        """The note editor."""
        self.query_one("#note-body", TextArea).focus()

    def _refuse(self, message: str) -> None:
        """Say beside the editor why the note was not added."""
        error = self.query_one("#note-error", Static)
        error.update(Text(safe(message)))
        self.set_class(bool(message), "-refused")

    @on(TextArea.Changed, "#note-body")
    def _typed(self) -> None:
        self._refuse("")

    def action_add_note(self) -> None:
        """Add the typed note (checked by the models, in a worker thread)."""
        if self.customer_id is None:
            self._refuse("Save the new customer first: notes belong to a saved customer.")
            return
        body = self.query_one("#note-body", TextArea).text
        public = self.query_one("#note-public", Checkbox).value
        self._add(self.customer_id, body, public, settings_of(self.app).staff)

    def _add(self, customer_id: int, body: str, public: bool, staff: StaffSession) -> None:
        run_db(
            self,
            partial(add_note, customer_id, body, public, staff),
            self.Added,
            group=WorkerGroup.NOTE_ADD,
            refusals=(NoteRefused, CustomerNotFound),
        )

    @on(Added)
    def _add_outcome(self, event: Added) -> None:
        match event.outcome:
            case Done(note):
                self._added(note)
            case Refused(NoteRefused() | CustomerNotFound() as refused):
                self._refuse(str(refused))
            case Refused(error) | Unexpected(error):
                self.failed(error)

    def _added(self, note: NoteRow) -> None:
        self.query_one("#note-body", TextArea).clear()
        self.query_one("#note-public", Checkbox).value = False
        self._refuse("")
        self.notify(f"{note.visibility} note added.", markup=False)
        self.show_customer(note.customer_id)

    @on(NoteList.DeleteAsked)
    def _delete_asked(self) -> None:
        notes = self.query_one(NoteList)
        if notes.highlighted is None or notes.highlighted >= len(self.rows):
            return
        self._confirm_delete(self.rows[notes.highlighted])

    @work(exclusive=True, group=WorkerGroup.NOTE_DELETE_ASK)
    async def _confirm_delete(self, note: NoteRow) -> None:
        first = note.body.split("\n")[0]
        question = Content.from_markup(
            "Delete the $kind note by [b]$author[/b] ($when)?\n\n$start\n\nThe deletion is "
            "recorded in the history.",
            kind=note.visibility.lower(),
            author=safe(note.author),
            when=when(note.created_at),
            start=safe(first[:60] + ("…" if len(first) > 60 else "")),
        )
        dialog = ConfirmDialog(
            "Delete Note", question, yes_label="Delete", focus_no=True, dangerous=True
        )
        if await self.app.push_screen_wait(dialog):
            self._delete(note.id, settings_of(self.app).staff)
        else:
            self.notify("Nothing was deleted.", markup=False)

    def _delete(self, note_id: int, staff: StaffSession) -> None:
        run_db(
            self,
            partial(delete_note, note_id, staff),
            self.Deleted,
            group=WorkerGroup.NOTE_DELETE,
            refusals=(NoteRefused,),
        )

    @on(Deleted)
    def _deleted(self, event: Deleted) -> None:
        match event.outcome:
            case Done(note):
                self.notify(f"{note.visibility} note deleted.", markup=False)
                self.show_customer(note.customer_id)
            case Refused(NoteRefused() as refused):
                self.notify(safe(refused), title="Not deleted", severity="warning", markup=False)
            case Refused(error) | Unexpected(error):
                self.failed(error)
