"""The Access log tab of the detail screen: the customer's portal sign-in attempts, newest
first."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from models.audit.access_log import AccessRow, access_log
from screens.widgets.notes_tab import RecordTab, when
from screens.widgets.safe_text import safe_text

COLUMNS = ("Time", "Outcome", "Reason", "From", "Email")


class AccessLogTab(RecordTab):
    """Read the customer's sign-in attempts."""

    EMPTY = "No portal sign-in attempts yet."

    def compose(self) -> ComposeResult:
        """The empty line and the table (shown even when empty: it holds the cursor)."""
        yield from self.compose_empty()
        table = DataTable(id="access-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table

    def fetch(self, customer_id: int) -> list[AccessRow]:
        """The customer's sign-in attempts, newest first."""
        return access_log(customer_id, self.app.settings.staff)

    def show_rows(self, rows: list[AccessRow]) -> None:
        """One table row an attempt."""
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                Text(when(row.at)),
                Text(row.outcome),
                safe_text(row.reason),
                safe_text(row.address or "-"),
                safe_text(row.email),
                key=str(row.id),
            )

    def focus_first(self) -> None:
        """The table."""
        self.query_one(DataTable).focus()
