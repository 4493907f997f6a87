"""The customer list: the home screen, where desk staff find any customer as fast as they type.

Dialogs and the models only they need are imported on first use, so the list paints sooner.
"""

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Input, Static

from models.fields import display_name
from models.search.query import (
    SORT_ORDERS,
    CustomerResults,
    CustomerRow,
    ListQuery,
    ReadCancelled,
    change_marker,
)
from models.staff.permissions import Permission
from models.store.db import DatabaseUnavailable
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.dialogs.confirm import ConfirmDialog
from screens.error_report import explain_failure, report_failure
from screens.portal_actions import PortalActionsScreen
from screens.role_gate import RoleGated
from screens.widgets.customer_table import BLOCK, DUPLICATE_MARK, CustomerTable
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe
from styles import stylesheet

CHANGE_CHECK_SECONDS = 2.0
HOLD_FRAME_SECONDS = 0.04  # a typed key waits this long at most for its results' frame
COUNT_DELAY_SECONDS = 0.2  # count once typing pauses, not for every key
SORT_CYCLE = list(SORT_ORDERS)
NOT_READ = "Could not read the customer list"


Pages = dict[int, list[CustomerRow]]


def read_pages(query: ListQuery, blocks: list[int]) -> tuple[CustomerResults, Pages, int | None]:
    """The list for a query, its first page (or, on a reload, the pages on screen) and its
    count when known (counted only when pages past the first are wanted); runs in a thread."""
    results = CustomerResults(query)
    total = results.count() if any(blocks) else None  # positions past the first page
    pages = {
        number: (results.first(BLOCK) if number == 0 else results.slice(number * BLOCK, BLOCK))
        for number in blocks
    }
    return results, pages, total if total is not None else results.known_count


class CustomerListScreen(RoleGated, PortalActionsScreen[None]):
    """Search, sort and browse every customer; open one, add one, or act on one."""

    @dataclass
    class ListRead(WorkDone[tuple[CustomerResults, Pages, int | None]]):
        """Pages of the list for a query (`generation` says which)."""

        generation: int
        cursor: int

    @dataclass
    class Counted(WorkDone[int]):
        """The count of a list."""

        generation: int
        results: CustomerResults

    @dataclass
    class ChangeMarkerRead(WorkDone[int]):
        """The change counter (every write moves it on)."""

    @dataclass
    class Changed(WorkDone[object]):
        """An archive or restore ran (or was refused)."""

        done: str
        label: str

    CSS_PATH = stylesheet("list.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("enter", "open_customer", "Open"),
        Binding("n", "new_customer", "New"),
        Binding("s", "next_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse", show=False),
        Binding("ctrl+o", "actions", "Actions"),
        Binding("ctrl+r", "reload", "Refresh", show=False),
        Binding("delete", "archive", "Archive", show=False),
        Binding("a", "toggle_archived", "Show/hide archived", show=False),
        Binding("r", "restore", "Restore archived", show=False),
        Binding("m", "mark_for_merge", "Mark to merge", show=False),
        Binding("i", "import_csv", "Import CSV", show=False),
        Binding("e", "export_csv", "Export CSV", show=False),
        Binding("D", "demo_data", "Add demo customers", show=False),
        Binding("escape", "clear_search", "Clear search", show=False),
        Binding("down", "focus_table", "Results", show=False),
        Binding("q", "app.quit", "Quit"),
    ]
    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "new_customer": Permission.EDIT,
        "archive": Permission.ARCHIVE,
        "restore": Permission.ARCHIVE,
        "mark_for_merge": Permission.MERGE,
        "import_csv": Permission.IMPORT,
        "export_csv": Permission.EXPORT,
        "demo_data": Permission.DEMO,
    }

    def __init__(self):
        super().__init__()
        self._query = ListQuery()
        self._generation = 0  # moves on with every change of query; older results are dropped
        self._searching = False
        self._pending: tuple[int, bool] | None = None  # a read asked for while one runs
        self._shown: CustomerResults | None = None
        self._changes_seen: int | None = None
        self._loaded_once = False
        self._held: ExitStack | None = None
        self._counting: CustomerResults | None = None
        self._marked: CustomerRow | None = None  # the first customer of a merge
        self._open_when_read = False  # Enter was pressed in the search before its results came

    def compose(self) -> ComposeResult:
        yield SafeInput(
            placeholder="Search code, name, email, city or telephone   ( / )",
            id="search",
            compact=True,
            paste_name="the search",
        )
        with Horizontal(id="status"):
            yield Static("Loading customers…", id="summary", markup=False)
            yield Static("", id="sort-hint", markup=False)
            yield Static("", id="row-note", markup=False)
        yield CustomerTable(id="customers")
        yield Static("", id="preview", markup=False)

    def on_mount(self) -> None:
        """Start on the list, and watch for other staff's changes."""
        self.query_one(CustomerTable).focus()
        self._show_sort()
        self._change_timer = self.set_interval(CHANGE_CHECK_SECONDS, self._check_for_changes)

    def on_screen_suspend(self) -> None:
        """Stop watching for changes while another screen covers the list (no idle repaints)."""
        self._change_timer.pause()

    def on_screen_resume(self) -> None:
        """Load the list the first time; read it again on coming back (it may have changed)."""
        self._change_timer.resume()
        if self._loaded_once:
            self.reload()
        else:
            self._loaded_once = True
            self._search()

    # --- searching ---

    @on(Input.Changed, "#search")
    def _term_typed(self, event: Input.Changed) -> None:
        self._query = replace(self._query, text=event.value)
        self._open_when_read = False
        self._hold_frame()
        self._search()

    def _hold_frame(self) -> None:
        """Paint the typed key together with its results (waiting HOLD_FRAME_SECONDS at most):
        one frame instead of two, so the results are not held back behind the key's echo."""
        if self._held is None:
            self._held = ExitStack()
            self._held.enter_context(self.app.batch_update())
            self.set_timer(HOLD_FRAME_SECONDS, self._release_frame)

    def _release_frame(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            held.close()

    @on(Input.Submitted, "#search")
    def _term_submitted(self) -> None:
        """Enter in the search field opens the highlighted customer (the first match unless
        the clerk has moved); while the typed term is still being read, once it is read."""
        if self._searching or self._shown is None or self._shown.query != self._query:
            self._open_when_read = True
        else:
            self.action_open_customer()

    def _search(self, cursor: int = 0, reload: bool = False) -> None:
        """Read the list for the current query; one read runs at a time, the latest wins."""
        self._generation += 1
        if self._counting is not None:
            self._counting.cancel()  # a count of a list no longer wanted
            self._counting = None
        if self._searching:
            self._pending = (cursor, reload)
            return
        self._searching = True
        blocks = self.query_one(CustomerTable).visible_blocks() if reload else [0]
        self._read_list(self._query, self._generation, blocks, cursor)

    def _read_list(self, query: ListQuery, generation: int, blocks: list[int], cursor: int) -> None:
        """Find the first page (or, on a reload, the pages on screen) in a thread."""
        run_db(
            self,
            partial(read_pages, query, blocks),
            partial(self.ListRead, generation=generation, cursor=cursor),
            group=WorkerGroup.CUSTOMER_SEARCH,
        )

    @on(ListRead)
    def _list_outcome(self, event: ListRead) -> None:
        match event.outcome:
            case Done((results, pages, total)):
                self._list_read(event.generation, results, pages, total, event.cursor)
            case Refused(error) | Unexpected(error):
                self._open_when_read = False
                self._release_frame()
                self._search_done()
                report_failure(self.app, NOT_READ, error)

    def _list_read(
        self,
        generation: int,
        results: CustomerResults,
        pages: Pages,
        total: int | None,
        cursor: int,
    ) -> None:
        self._search_done()
        if generation != self._generation:
            return  # a newer query is on its way
        self._shown = results
        self.query_one(CustomerTable).show(results, pages, total, cursor)
        self._show_summary(results, total)
        self._release_frame()
        if self._open_when_read:
            self._open_when_read = False
            self.action_open_customer()
        if not self.query(Footer):
            self.call_after_refresh(self._add_footer)  # after the first rows: a faster start
        if total is None:
            self.set_timer(COUNT_DELAY_SECONDS, lambda: self._start_count(generation, results))

    def _start_count(self, generation: int, results: CustomerResults) -> None:
        if generation == self._generation and results.known_count is None:
            self._counting = results
            self._count(generation, results)

    async def _add_footer(self) -> None:
        await self.mount(Footer())
        self.refresh_bindings()

    def _search_done(self) -> None:
        self._searching = False
        if self._pending is not None:
            cursor, reload = self._pending
            self._pending = None
            self._search(cursor, reload)

    def _count(self, generation: int, results: CustomerResults) -> None:
        """Count the list in a thread, after its first page is on screen."""
        run_db(
            self,
            results.count,
            partial(self.Counted, generation=generation, results=results),
            group=WorkerGroup.CUSTOMER_COUNT,
            refusals=(ReadCancelled,),
        )

    @on(Counted)
    def _count_outcome(self, event: Counted) -> None:
        match event.outcome:
            case Done(total):
                self._counted(event.generation, event.results, total)
            case Refused(ReadCancelled()):
                pass  # the list changed meanwhile; its own count follows
            case Refused(error) | Unexpected(error):
                report_failure(self.app, NOT_READ, error)

    def _counted(self, generation: int, results: CustomerResults, total: int) -> None:
        if self._counting is results:
            self._counting = None
        if generation != self._generation:
            return
        self.query_one(CustomerTable).set_total(results, total)
        self._show_summary(results, total)

    @on(CustomerTable.CountNeeded)
    def _count_for_table(self) -> None:
        if self._shown is not None and self._shown.known_count is None:
            self._start_count(self._generation, self._shown)

    def _show_summary(self, results: CustomerResults, total: int | None) -> None:
        term = safe(results.query.text.strip())
        if not term:
            text = (
                "Counting customers…"
                if total is None
                else f"{total:,} customer{'' if total == 1 else 's'}"
            )
        elif total is None:
            text = f"Searching '{term}'…"
        elif total == 0:
            text = f"No customer matches '{term}'"
        else:
            text = f"{total:,} match{'' if total == 1 else 'es'} '{term}'"
        if results.query.include_archived:
            text += " (archived shown)"
        self.query_one("#summary", Static).update(Content(text))

    @on(CustomerTable.Highlighted)
    def _show_row_note(self, event: CustomerTable.Highlighted) -> None:
        """Say why the highlighted row is flagged or marked, in place of the sort hint."""
        note = ""
        if event.row is not None and event.row.archived:
            note = "Archived: r restores"
        if event.flag:
            note = f"{DUPLICATE_MARK} {safe(event.flag)}" + (f" · {note}" if note else "")
        self.query_one("#row-note", Static).update(Content(note))
        self.set_class(bool(note), "-row-note")

    @on(CustomerTable.Highlighted)
    def _show_preview(self, event: CustomerTable.Highlighted) -> None:
        """The highlighted customer's email, telephone and city, under the list."""
        self.query_one("#preview", Static).update(Content(preview(event.row)))

    # --- freshness ---

    def reload(self) -> None:
        """Read the list again where it is (after a change here or by other staff)."""
        self._search(cursor=self.query_one(CustomerTable).cursor, reload=True)

    def action_reload(self) -> None:
        """Read the list again now."""
        self.reload()

    def _check_for_changes(self) -> None:
        if not self._searching:
            self._read_change_marker()

    def _read_change_marker(self) -> None:
        """Read the change counter in a thread; reload only when it moved."""
        run_db(self, change_marker, self.ChangeMarkerRead, group=WorkerGroup.CUSTOMER_CHANGES)

    @on(ChangeMarkerRead)
    def _change_marker_read(self, event: ChangeMarkerRead) -> None:
        match event.outcome:
            case Done(marker):
                seen, self._changes_seen = self._changes_seen, marker
                if seen is not None and marker != seen:
                    self.reload()
            case Refused(error) | Unexpected(error):
                report_failure(self.app, NOT_READ, error)

    # --- keys ---

    def action_focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        """Move from the search field to the results."""
        self.query_one(CustomerTable).focus()

    def action_clear_search(self) -> None:
        """Empty the search field and show every customer again."""
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.query_one(CustomerTable).focus()

    def action_next_sort(self) -> None:
        """Sort by the next column."""
        sort = SORT_CYCLE[(SORT_CYCLE.index(self._query.sort) + 1) % len(SORT_CYCLE)]
        self._resort(sort, False)

    def action_reverse_sort(self) -> None:
        """Reverse the order."""
        self._resort(self._query.sort, not self._query.descending)

    def _resort(self, sort: str, descending: bool) -> None:
        self._query = replace(self._query, sort=sort, descending=descending)
        self._show_sort()
        self._search()

    def _show_sort(self) -> None:
        arrow = "▼" if self._query.descending else "▲"
        self.query_one("#sort-hint", Static).update(
            Content(f"Sorted by {SORT_ORDERS[self._query.sort]} {arrow}  s: column  S: reverse")
        )

    def action_open_customer(self) -> None:
        """Open the highlighted customer."""
        row = self.query_one(CustomerTable).current_row
        if row is not None:
            from screens.customer_detail import CustomerDetailScreen

            self.app.push_screen(CustomerDetailScreen(row.id))

    def action_new_customer(self) -> None:
        """Start a new customer."""
        from screens.customer_detail import CustomerDetailScreen

        self.app.push_screen(CustomerDetailScreen(None))

    def action_actions(self) -> None:
        """The Actions menu for the highlighted customer."""
        row = self.query_one(CustomerTable).current_row
        if row is not None:
            self.open_portal_actions(row.id)

    def action_mark_for_merge(self) -> None:
        """Mark the highlighted customer; marking a second one opens the merge of the two."""
        row = self.query_one(CustomerTable).current_row
        if row is None:
            return
        if self._marked is None or self._marked.id == row.id:
            unmark = self._marked is not None
            self._marked = None if unmark else row
            self.notify(
                f"{_who(row)} is no longer marked."
                if unmark
                else f"{_who(row)} is marked: press m on another customer to merge the two.",
                title="Merge",
                markup=False,
            )
            return
        first, self._marked = self._marked, None
        self._merge(first.id, row.id)

    @work(exclusive=True, group=WorkerGroup.LIST_MERGE)
    async def _merge(self, first_id: int, second_id: int) -> None:
        """Merge two customers through the merge dialog, then show the list afresh."""
        from screens.dialogs.merge_dialog import run_merge

        if await run_merge(self, first_id, second_id) is not None:
            self.reload()

    # --- archive, restore, import and export ---

    def action_toggle_archived(self) -> None:
        """Show archived customers (marked) in the list too, or hide them again."""
        self._query = replace(self._query, include_archived=not self._query.include_archived)
        self._search(cursor=self.query_one(CustomerTable).cursor)

    @work(exclusive=True, group=WorkerGroup.LIST_ARCHIVE)
    async def action_archive(self) -> None:
        """Archive the highlighted customer, after a confirm (No has the focus)."""
        row = self.query_one(CustomerTable).current_row
        if row is None:
            return
        who = _who(row)
        if row.archived:
            self.notify(f"{who} is already archived; r restores it.", markup=False)
            return
        question = Content.from_markup(
            "Archive [b]$who[/b]? The customer leaves the list and can no longer sign in to "
            "the portal; the code stays reserved. a shows archived customers, r restores.",
            who=who,
        )
        dialog = ConfirmDialog(
            "Archive customer", question, yes_label="Archive", focus_no=True, dangerous=True
        )
        if await self.app.push_screen_wait(dialog):
            from models.archive import archive_customer

            self._change(
                partial(archive_customer, row.id, settings_of(self.app).staff),
                f"Archived {who}.",
                "Archiving",
            )

    @work(exclusive=True, group=WorkerGroup.LIST_ARCHIVE)
    async def action_restore(self) -> None:
        """Bring the highlighted archived customer back to the list, after a confirm."""
        row = self.query_one(CustomerTable).current_row
        if row is None:
            return
        who = _who(row)
        if not row.archived:
            self.notify(f"{who} is not archived.", markup=False)
            return
        question = Content.from_markup("Restore [b]$who[/b] to the customer list?", who=who)
        if await self.app.push_screen_wait(
            ConfirmDialog("Restore customer", question, yes_label="Restore")
        ):
            from models.archive import restore_customer

            self._change(
                partial(restore_customer, row.id, settings_of(self.app).staff),
                f"Restored {who}.",
                "Restoring",
            )

    def _change(self, change: Callable[[], object], done: str, label: str) -> None:
        """Run a change in a thread worker; Changed toasts what happened."""
        from models.archive import ArchiveRefused
        from models.customers import CustomerNotFound

        run_db(
            self,
            change,
            partial(self.Changed, done=done, label=label),
            group=WorkerGroup.LIST_CHANGE,
            exclusive=False,
            refusals=(ArchiveRefused, CustomerNotFound),
        )

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        """Toast what happened, and read the list again."""
        from models.archive import ArchiveRefused
        from models.customers import CustomerNotFound

        match event.outcome:
            case Done():
                self.notify(event.done, markup=False)
            case Refused(error) | Unexpected(error):
                expected = (ArchiveRefused, CustomerNotFound, DatabaseUnavailable)
                explain_failure(self.app, error, event.label, expected)
        self.reload()

    @work(exclusive=True, group=WorkerGroup.LIST_CSV)
    async def action_import_csv(self) -> None:
        """Import customers from a CSV file: check it, show the preview, then import all."""
        from screens.dialogs.csv_dialog import CsvImportDialog

        outcome = await self.app.push_screen_wait(CsvImportDialog(settings_of(self.app).staff))
        if outcome:
            self.notify(outcome, markup=False)
            self.reload()

    @work(exclusive=True, group=WorkerGroup.LIST_CSV)
    async def action_export_csv(self) -> None:
        """Export every customer not archived to a CSV file."""
        from screens.dialogs.csv_dialog import CsvExportDialog

        outcome = await self.app.push_screen_wait(CsvExportDialog(settings_of(self.app).staff))
        if outcome:
            self.notify(outcome, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Demo customers are offered only on the demo database (`custdesk --demo`)."""
        if action == "demo_data" and not settings_of(self.app).demo:
            return False
        return super().check_action(action, parameters)

    @work(exclusive=True, group=WorkerGroup.LIST_DEMO)
    async def action_demo_data(self) -> None:
        """Add demo customers, with progress; escape stops (what was added stays)."""
        from screens.dialogs.demo_dialog import DemoDialog

        if await self.app.push_screen_wait(DemoDialog()):
            self.reload()

    # --- trouble ---

    @on(CustomerTable.Failed)
    def _page_failed(self, event: CustomerTable.Failed) -> None:
        report_failure(self.app, f"Could not read {event.what}", event.error)


def preview(row: CustomerRow | None) -> str:
    """The preview line of a row: its email, telephone and city (those it has), made safe."""
    if row is None:
        return ""
    place = ", ".join(part for part in (row.city, row.country) if part)
    parts = [
        f"{name}: {safe(value)}"
        for name, value in (("Email", row.email), ("Tel", row.telephone), ("City", place))
        if value
    ]
    return "   ".join(parts) or "No email, telephone or city"


def _who(row: CustomerRow) -> str:
    """A row's code and name, made safe for display."""
    name = display_name(row.business_name, row.contact_name)
    return safe(f"{row.code} ({name})" if name else row.code)
