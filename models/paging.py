"""Pages of a customer's records (notes, history, access log), newest first, read by keyset:
each page starts below the last row of the page before (no OFFSET), with the count of all."""

from dataclasses import dataclass
from typing import Generic, TypeVar

PAGE_ROWS = 100  # rows read at a time

Row = TypeVar("Row")


@dataclass(frozen=True)
class RecordPage(Generic[Row]):
    """Some rows, newest first; `total` counts every row, `more` says whether older ones follow."""

    rows: list[Row]
    total: int
    more: bool


def record_page(rows: list[Row], limit: int, total: int) -> RecordPage[Row]:
    """A page from `limit` + 1 rows read (the extra row only says that more follow)."""
    return RecordPage(rows[:limit], max(total, len(rows[:limit])), len(rows) > limit)
