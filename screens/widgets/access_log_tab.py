"""The Access log tab of the detail screen: the customer's portal sign-in attempts, newest
first, a page at a time."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from models.audit.access_log import AccessRow, access_log_page
from models.paging import RecordPage
from models.staff.session import StaffSession
from screens.widgets.notes_tab import RecordTab, when
from screens.widgets.safe_text import safe_text

COLUMNS = ("Time", "Outcome", "Reason", "From", "Email")


class AccessLogTab(RecordTab[AccessRow]):
    """Read the customer's sign-in attempts."""

    EMPTY = "No portal sign-in attempts yet."
    NOUN = "sign-in attempts"

    def compose(self) -> ComposeResult:
        """The empty line and the table (shown even when empty: it holds the cursor)."""
        yield from self.compose_empty()
        table: DataTable[Text] = DataTable(id="access-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table

    def fetch(
        self, staff: StaffSession, customer_id: int, after: AccessRow | None, limit: int
    ) -> RecordPage[AccessRow]:
        """A page of the customer's sign-in attempts, newest first."""
        return access_log_page(customer_id, staff, after, limit)

    def show_rows(self, rows: list[AccessRow]) -> None:
        """One table row an attempt."""
        self.query_one(DataTable).clear()
        self.append_rows(rows)

    def append_rows(self, rows: list[AccessRow]) -> None:
        """Add older attempts at the end of the table."""
        table = self.query_one(DataTable)
        for row in rows:
            table.add_row(
                Text(when(row.at)),
                Text(row.outcome),
                safe_text(row.reason),
                safe_text(row.address or "-"),
                safe_text(row.email),
                key=str(row.id),
            )

    @on(DataTable.RowHighlighted, "#access-table")
    def _attempt_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """On the last attempt shown, read the older ones."""
        if event.cursor_row >= len(self.rows) - 1:
            self.load_more()

    def focus_first(self) -> None:
        """The table."""
        self.query_one(DataTable).focus()
