"""`custdesk import FILE.csv [--dry-run] [--update] [--duplicates skip|create]`: check every row,
then import all or nothing."""

import argparse
import sys
import time

from models.store.db import DatabaseUnavailable
from models.transfer.customer_import import (
    BadFile,
    DuplicateChoice,
    ImportConflict,
    ImportPreview,
    UnreadableFile,
    apply_import,
    preview_import,
)
from models.transfer.import_report import ReportStyle, import_report, plural
from screens.widgets.safe_text import safe
from tui.progress_line import ProgressLine
from tui.settings import Settings

EXIT_OK, EXIT_NOT_IMPORTED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_UNAVAILABLE = 2  # the database cannot be used: a full disk, an unwritable file


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Preview the file, then import it unless a row is bad or this is a dry run."""
    progress = ProgressLine()
    started = time.perf_counter()
    try:
        preview = preview_import(args.file, update=args.update, progress=progress)
    except UnreadableFile as error:
        return _fail(progress, str(error), EXIT_USAGE)
    except BadFile as error:
        return _fail(progress, f"{args.file}: {error} Nothing was imported.", EXIT_NOT_IMPORTED)
    except DatabaseUnavailable as error:
        return _fail(progress, f"{error} Nothing was imported.", EXIT_UNAVAILABLE)
    except KeyboardInterrupt:
        return _fail(progress, "Interrupted: nothing was imported.", EXIT_INTERRUPTED)
    progress.finish()
    with preview:
        _print_preview(args.file, preview, args.duplicates)
        if not preview.ok:
            return _fail(
                progress,
                f"Nothing was imported: {preview.bad_rows:,} bad "
                f"row{'s' if preview.bad_rows != 1 else ''}.",
                EXIT_NOT_IMPORTED,
            )
        if args.dry_run:
            print("Dry run: nothing was imported.")
            return EXIT_OK
        try:
            result = apply_import(
                preview,
                settings.staff,
                progress=progress,
                duplicates=DuplicateChoice(args.duplicates == "create"),
            )
        except ImportConflict as error:
            return _fail(progress, str(error), EXIT_NOT_IMPORTED)
        except DatabaseUnavailable as error:
            return _fail(progress, f"{error} Nothing was imported.", EXIT_UNAVAILABLE)
        except KeyboardInterrupt:
            return _fail(progress, "Interrupted: nothing was imported.", EXIT_INTERRUPTED)
        progress.finish()
    skipped = f", {plural(result.skipped, 'likely duplicate')} skipped" if result.skipped else ""
    print(
        f"Imported {safe(args.file)}: {result.created:,} created, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged{skipped}, in {time.perf_counter() - started:.1f} s."
    )
    return EXIT_OK


def _fail(progress: ProgressLine, message: str, status: int) -> int:
    """Say in one line on stderr why nothing was imported; returns the exit status."""
    progress.finish()
    print(f"custdesk: {safe(message)}", file=sys.stderr)
    return status


def _print_preview(file: str, preview: ImportPreview, duplicates: str) -> None:
    """The report (models/transfer/import_report.py) with every row listed, and what happens
    to likely duplicates with this --duplicates choice."""
    if duplicates == "create":
        duplicate_line = (
            f"{plural(preview.duplicate_count, 'likely duplicate')}: created anyway "
            "(--duplicates create)."
        )
    else:
        duplicate_line = (
            f"{plural(preview.duplicate_count, 'likely duplicate')}: skipped; add "
            "--duplicates create to create them anyway."
        )
    clash_line = (
        f"{preview.clashes:,} row{'s use codes' if preview.clashes != 1 else ' uses a code'}"
        " of existing customers: add --update to update those customers."
    )
    for line in import_report(file, preview, ReportStyle(duplicate_line, clash_line)):
        print(safe(line))
