"""CSV files written for the import tests."""

from pathlib import Path

LIST_HEADER = ["Customer Code", "Business Name", "Billing Email", "Billing Country"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> None:
    """A CSV file of `rows` under `header` (code, name, email, country unless given)."""
    lines = [",".join(header or LIST_HEADER), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
