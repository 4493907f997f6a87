"""The customer table: a line-API scroll view that holds only the pages of rows near the screen.

Its virtual height is the number of rows in the result; a row is drawn from a small cache of
50-row blocks, and a missing block is drawn as a placeholder while a thread worker fetches it
(from the neighbouring block's key when there is one, else by position from the nearer end).
Each row comes with its stored duplicate flag (models keep it on every write): a flagged row shows
DUPLICATE_MARK after its code, and the reason goes with the Highlighted message.
"""

import functools
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from models.search.query import CustomerResults, CustomerRow
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_text import safe

BLOCK = 50  # rows fetched at a time
CACHED_BLOCKS = 40  # blocks kept (2,000 rows): memory stays flat at any list size
CURSOR_MARK = "›"
DUPLICATE_MARK = "≈"  # drawn in the gap after the code of a likely duplicate
ARCHIVED_LABEL = "archived"  # the portal column of an archived customer


@dataclass(frozen=True)
class Column:
    """One column of the table: its title, the sort order it shows, how it takes space, and
    when it is shown (priority 0: always; then 1, 2, 3 as the width allows)."""

    title: str
    short_title: str  # when the column is too narrow for the title
    sort: str
    minimum: int
    weight: int
    priority: int


COLUMNS = (
    Column("Code", "Code", "code", 10, 1, 0),
    Column("Business Name", "Business", "business_name", 34, 6, 0),
    Column("Contact Name", "Contact", "contact_name", 14, 4, 0),
    Column("Email", "Email", "email", 18, 5, 2),
    Column("Telephone", "Phone", "telephone", 16, 1, 1),
    Column("City / Country", "City", "city", 12, 3, 3),
    Column("Portal", "Portal", "portal", 13, 0, 0),
)


def _room_needed(shown: list[int]) -> int:
    """Cells taken by these columns at their minimum width, with the gutter and the gaps."""
    return 1 + len(shown) - 1 + sum(COLUMNS[index].minimum for index in shown)


def shown_columns(width: int) -> list[int]:
    """The columns (indices into COLUMNS, in order) a table `width` cells wide shows: those
    always shown, then the others in order of priority while they fit at their minimum."""
    shown = [index for index, column in enumerate(COLUMNS) if column.priority == 0]
    optional = sorted(
        (index for index, column in enumerate(COLUMNS) if column.priority),
        key=lambda index: COLUMNS[index].priority,
    )
    for index in optional:
        if _room_needed(sorted([*shown, index])) > width:
            break
        shown = sorted([*shown, index])
    return shown


@functools.lru_cache(maxsize=8)
def column_layout(width: int) -> tuple[tuple[int, int], ...]:
    """(index into COLUMNS, width) of each column shown in a table `width` cells wide."""
    shown = shown_columns(width)
    columns = [COLUMNS[index] for index in shown]
    spare = max(0, width - _room_needed(shown))
    weights = sum(column.weight for column in columns)
    widths = [column.minimum + spare * column.weight // weights for column in columns]
    widths[shown.index(1)] += spare - sum(
        size - column.minimum for size, column in zip(widths, columns, strict=True)
    )  # what the rounding left goes to the business name
    return tuple(zip(shown, widths, strict=True))


def row_cells(row: CustomerRow) -> tuple[str, ...]:
    """The texts of a row's cells, made safe to show."""
    place = ", ".join(part for part in (row.city, row.country) if part)
    portal = ARCHIVED_LABEL if row.archived else row.portal_status
    return tuple(
        safe(value)
        for value in (
            row.code,
            row.business_name,
            row.contact_name,
            row.email,
            row.telephone,
            place,
            portal,
        )
    )


def fit(text: str, width: int) -> str:
    """Text cut (with an ellipsis) or padded to exactly `width` cells."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def _sorted_title(column: Column, arrow: str, size: int) -> str:
    """The title of the sorted column with its arrow, shortened but never losing the arrow."""
    for title in (
        f"{column.title} {arrow}",
        f"{column.short_title} {arrow}",
        f"{column.short_title}{arrow}",
    ):
        if cell_len(title) <= size:
            return title
    return fit(column.short_title, size - 1) + arrow


class CustomerTable(KeepRunning, ScrollView, can_focus=True):
    """The scrolling list of customers, read page by page from a CustomerResults."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "customer-table--header",
        "customer-table--sorted",
        "customer-table--cursor",
        "customer-table--placeholder",
        "customer-table--archived",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    cursor = reactive(0, repaint=False)

    class CountNeeded(Message):
        """The table needs the total (to go to the end) before it is known."""

    class Failed(Message):
        """A page could not be read; `error` says why."""

        def __init__(self, error: BaseException, what: str = "the customer list"):
            super().__init__()
            self.error = error
            self.what = what

    @dataclass
    class BlockRead(WorkDone[list[CustomerRow]]):
        """The rows of block `number` of the list of `generation`."""

        generation: int
        number: int

    class Highlighted(Message):
        """The highlighted row, or its duplicate flag, changed."""

        def __init__(self, row: CustomerRow | None, flag: str | None):
            super().__init__()
            self.row = row
            self.flag = flag

    def __init__(self, id: str | None = None):
        super().__init__(id=id)
        self.results: CustomerResults | None = None
        self.total: int | None = None
        self.sort = "business_name"
        self.descending = False
        self._blocks: OrderedDict[int, list[CustomerRow]] = OrderedDict()
        self._loading: set[int] = set()
        self._loaded_rows = 0
        self._end_pending = False
        self._generation = 0
        self._announced: tuple | None = None

    # --- what the table shows ---

    def show(
        self,
        results: CustomerResults,
        blocks: dict[int, list[CustomerRow]],
        total: int | None,
        cursor: int = 0,
    ) -> None:
        """Show a new result (or a fresh copy of the same one), starting from these blocks."""
        self._generation += 1
        self.results = results
        self.sort, self.descending = results.query.sort, results.query.descending
        self._blocks = OrderedDict(sorted(blocks.items()))
        self._loading = set()
        self._end_pending = False
        self._loaded_rows = 0
        for number, rows in blocks.items():
            self._note_extent(number, rows)
        self.total = total
        self._resize_virtual()
        self.set_reactive(CustomerTable.cursor, max(0, min(cursor, self.row_count - 1)))
        self._scroll_cursor_into_view()
        self._prefetch()
        self.refresh()
        self._announce()

    def set_total(self, results: CustomerResults, total: int) -> None:
        """The total of a result, once counted (ignored when another result is shown now)."""
        if results is not self.results:
            return
        self.total = total
        self._resize_virtual()
        if self._end_pending:
            self._end_pending = False
            self.cursor = max(0, total - 1)
        elif self.cursor >= self.row_count:
            self.cursor = max(0, self.row_count - 1)
        self.refresh()

    @property
    def row_count(self) -> int:
        """Rows in the result: the total when counted, else as many as are known to exist."""
        return self.total if self.total is not None else self._loaded_rows

    @property
    def current_row(self) -> CustomerRow | None:
        """The highlighted customer's row, when it is loaded."""
        return self._row(self.cursor)

    def flag_of(self, row: CustomerRow) -> str | None:
        """Why a shown row is a likely duplicate, or None."""
        return row.duplicate or None

    def visible_blocks(self) -> list[int]:
        """The blocks of the rows on screen now (for a refresh to fetch again)."""
        first = int(self.scroll_offset.y)
        last = min(self.row_count, first + self._page_height()) - 1
        return list(range(first // BLOCK, max(first, last) // BLOCK + 1))

    # --- keys ---

    def action_cursor_up(self) -> None:
        """Move to the row above."""
        self.cursor = max(0, self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move to the row below."""
        self.cursor = min(max(0, self.row_count - 1), self.cursor + 1)

    def action_page_up(self) -> None:
        """Move a screenful up."""
        page = self._page_height()
        self.scroll_to(y=max(0, self.scroll_offset.y - page), animate=False, immediate=True)
        self.cursor = max(0, self.cursor - page)

    def action_page_down(self) -> None:
        """Move a screenful down."""
        page = self._page_height()
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, immediate=True)
        self.cursor = min(max(0, self.row_count - 1), self.cursor + page)

    def action_first(self) -> None:
        """Go to the first row."""
        self.cursor = 0

    def action_last(self) -> None:
        """Go to the last row (once the rows are counted)."""
        if self.total is None:
            self._end_pending = True
            self.post_message(self.CountNeeded())
            return
        self.cursor = max(0, self.total - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor on screen and repaint the two rows that changed."""
        self._scroll_cursor_into_view()
        self._prefetch()
        for index in (old, new):
            self.refresh_line(index + 1)
        self._announce()

    def _announce(self) -> None:
        """Tell the screen about the highlighted row and its flag, when either changed."""
        row = self.current_row
        flag = self.flag_of(row) if row is not None else None
        shown = (row, flag)
        if shown != self._announced:
            self._announced = shown
            self.post_message(self.Highlighted(row, flag))

    def on_click(self, event: Click) -> None:
        """A click moves the cursor to that row."""
        if event.y >= 1:
            index = int(self.scroll_offset.y) + event.y - 1
            if index < self.row_count:
                self.cursor = index

    def on_resize(self, event: Resize) -> None:
        """Fit the columns to the new width."""
        self._resize_virtual()

    # --- drawing ---

    def render_line(self, y: int) -> Strip:
        """One line of the view: the header, or a row (a placeholder until its block arrives)."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.row_count:
            return Strip.blank(width, base)
        row = self._row(index)
        if row is None:
            self._want(index // BLOCK)
            style = base + self.get_component_rich_style("customer-table--placeholder")
            return Strip([Segment(fit("  …", width), style)], width)
        style = base
        if row.archived:
            style += self.get_component_rich_style("customer-table--archived")
        mark = " "
        if index == self.cursor:
            style += self.get_component_rich_style("customer-table--cursor")
            mark = CURSOR_MARK
        texts = row_cells(row)
        cells = [fit(texts[index], size) for index, size in column_layout(width)]
        after_code = DUPLICATE_MARK if row.duplicate else " "
        line = mark + cells[0] + after_code + " ".join(cells[1:])
        return Strip([Segment(fit(line, width), style)], width)

    def _header_strip(self, width: int, base: Style) -> Strip:
        header = base + self.get_component_rich_style("customer-table--header")
        sorted_style = header + self.get_component_rich_style("customer-table--sorted")
        segments = [Segment(" ", header)]
        for number, (index, size) in enumerate(column_layout(width)):
            column = COLUMNS[index]
            title = column.title if cell_len(column.title) <= size else column.short_title
            if column.sort == self.sort:
                title = _sorted_title(column, "▼" if self.descending else "▲", size)
            if number:
                segments.append(Segment(" ", header))
            segments.append(
                Segment(fit(title, size), sorted_style if column.sort == self.sort else header)
            )
        return Strip(segments).adjust_cell_length(width, header)

    # --- rows and blocks ---

    def _row(self, index: int) -> CustomerRow | None:
        rows = self._blocks.get(index // BLOCK)
        if rows is None or index % BLOCK >= len(rows):
            return None
        return rows[index % BLOCK]

    def _want(self, number: int) -> None:
        """Ask for a block (and its neighbours on screen) once the current paint is done."""
        if number not in self._loading and number not in self._blocks:
            self._loading.add(number)
            self.call_later(self._fetch, number)

    def _fetch(self, number: int) -> None:
        if self.results is None:
            return
        self._load_block(self._generation, self.results, number, self._how(number))

    def _how(self, number: int) -> tuple:
        """How to read a block: after or before a loaded neighbour, else by position."""
        if number == 0:
            return ("first",)
        previous, following = self._blocks.get(number - 1), self._blocks.get(number + 1)
        if previous and len(previous) == BLOCK:
            return ("after", previous[-1].anchor)
        if following:
            return ("before", following[0].anchor)
        if self.total is not None and number == (self.total - 1) // BLOCK:
            return ("last", self.total - number * BLOCK)
        return ("slice", number * BLOCK)

    def _load_block(
        self, generation: int, results: CustomerResults, number: int, how: tuple
    ) -> None:
        """Read one block in a thread; BlockRead brings it back."""
        run_db(
            self,
            partial(read_block, results, how),
            partial(self.BlockRead, generation=generation, number=number),
            group=WorkerGroup.CUSTOMER_TABLE_BLOCKS,
            exclusive=False,
        )

    @on(BlockRead)
    def _block_read(self, event: BlockRead) -> None:
        match event.outcome:
            case Done(rows):
                self._block_loaded(event.generation, event.number, rows)
            case Refused(error) | Unexpected(error):
                self._loading.clear()
                self.post_message(self.Failed(error))

    def _block_loaded(self, generation: int, number: int, rows: list[CustomerRow]) -> None:
        if generation != self._generation:
            return
        self._loading.discard(number)
        self._blocks[number] = rows
        while len(self._blocks) > CACHED_BLOCKS:
            self._blocks.popitem(last=False)
        if self.total is None:
            self._note_extent(number, rows)
            self._resize_virtual()
        self._prefetch()
        self.refresh()
        self._announce()

    def _note_extent(self, number: int, rows: list[CustomerRow]) -> None:
        """Before the count: the rows known to exist, and one more when the block was full."""
        more = int(len(rows) == BLOCK)
        self._loaded_rows = max(self._loaded_rows, number * BLOCK + len(rows) + more)

    def _prefetch(self) -> None:
        """Ask for the blocks a screenful above and below the rows on screen."""
        page = self._page_height()
        top = int(self.scroll_offset.y)
        last = min(self.row_count - 1, top + 2 * page)
        for number in range(max(0, top - page) // BLOCK, max(0, last) // BLOCK + 1):
            if number * BLOCK < self.row_count:
                self._want(number)

    # --- geometry ---

    def _page_height(self) -> int:
        return max(1, self.size.height - 1)

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        page = self._page_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)


def read_block(results: CustomerResults, how: tuple) -> list[CustomerRow]:
    """One block of rows, read as `how` says (CustomerTable._how); runs in a worker thread."""
    kind = how[0]
    if kind == "first":
        return results.first(BLOCK)
    if kind == "after":
        return results.after(how[1], BLOCK)
    if kind == "before":
        return results.before(how[1], BLOCK)
    if kind == "last":
        return results.last(how[1])
    return results.slice(how[1], BLOCK)
