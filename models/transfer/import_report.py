"""The import preview as lines for people: one report, printed by `custdesk import` and shown
by the import dialog. The lines are plain text; the caller makes each one safe to show."""

from dataclasses import dataclass

from models.transfer.customer_import import ImportPreview, RowProblem

NOT_IMPORTABLE = "Nothing can be imported: correct the file and check it again."
NOTHING_TO_DO = "Nothing to import: every customer in the file is already up to date."


@dataclass(frozen=True)
class ReportStyle:
    """What differs where the report is shown: how to act on likely duplicates and on codes
    of existing customers, how many rows of each kind are listed (None: all kept), what follows
    "… and N more problems", and whether the likely duplicates are listed (the dialog lists
    them in a list of their own)."""

    duplicates: str
    clashes: str
    shown: int | None = None
    more: str = ""
    list_duplicates: bool = True


def plural(count: int, word: str) -> str:
    """ "1 row", "2,000 rows"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def import_report(name: str, preview: ImportPreview, style: ReportStyle) -> list[str]:
    """The counts and the verdict, then the bad rows (line, column and message), the rows to
    check and the likely duplicates."""
    counts = [f"{preview.to_create:,} to create"]
    if preview.update:
        counts += [f"{preview.to_update:,} to update", f"{preview.unchanged:,} unchanged"]
    if preview.duplicate_count:
        counts.append(plural(preview.duplicate_count, "likely duplicate"))
    counts.append(f"{preview.bad_rows:,} bad")
    lines = [f"{name}: {plural(preview.rows, 'row')}: {', '.join(counts)}."]
    if not preview.ok:
        lines.append(NOT_IMPORTABLE)
    elif preview.duplicate_count:
        lines.append(style.duplicates)
    elif not preview.to_create + preview.to_update:
        lines.append(NOTHING_TO_DO)
    if preview.clashes and not preview.update:
        lines.append(style.clashes)
    lines += _listed(preview.problems, preview.problems_left_off, "", "problem", style)
    lines += _listed(preview.warnings, preview.warnings_left_off, "⚠ ", "warning", style)
    if style.list_duplicates:
        duplicates = [RowProblem(row.line, "", row.message) for row in preview.duplicates]
        lines += _listed(
            duplicates, preview.duplicates_left_off, "duplicate: ", "likely duplicate", style
        )
    return lines


def _listed(
    rows: list[RowProblem], left_off: int, mark: str, word: str, style: ReportStyle
) -> list[str]:
    """The first rows of one kind, one indented line each, then how many more there are."""
    shown = rows if style.shown is None else rows[: style.shown]
    lines = [
        f"  {mark}Line {row.line}{f', {row.column}' if row.column else ''}: {row.message}"
        for row in shown
    ]
    more = len(rows) - len(shown) + left_off
    if more > 0:
        lines.append(f"  … and {plural(more, f'more {word}')}{style.more}.")
    return lines
