"""`custdesk import FILE.csv [--dry-run] [--update]`: check every row, then import all or nothing."""

import argparse
import sys
import time

from models.customer_import import (
    BadFile,
    ImportConflict,
    ImportPreview,
    UnreadableFile,
    apply_import,
    preview_import,
)
from models.db import DatabaseUnavailable
from screens.safe_text import safe
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
        _print_preview(args.file, preview)
        if not preview.ok:
            return _fail(progress, f"Nothing was imported: {preview.bad_rows:,} bad "
                         f"row{'s' if preview.bad_rows != 1 else ''}.", EXIT_NOT_IMPORTED)
        if args.dry_run:
            print("Dry run: nothing was imported.")
            return EXIT_OK
        try:
            result = apply_import(preview, settings.staff, progress=progress)
        except ImportConflict as error:
            return _fail(progress, str(error), EXIT_NOT_IMPORTED)
        except DatabaseUnavailable as error:
            return _fail(progress, f"{error} Nothing was imported.", EXIT_UNAVAILABLE)
        except KeyboardInterrupt:
            return _fail(progress, "Interrupted: nothing was imported.", EXIT_INTERRUPTED)
        progress.finish()
    print(f"Imported {safe(args.file)}: {result.created:,} created, {result.updated:,} updated, "
          f"{result.unchanged:,} unchanged, in {time.perf_counter() - started:.1f} s.")
    return EXIT_OK


def _fail(progress: ProgressLine, message: str, status: int) -> int:
    """Say in one line on stderr why nothing was imported; returns the exit status."""
    progress.finish()
    print(f"custdesk: {safe(message)}", file=sys.stderr)
    return status


def _print_preview(file: str, preview: ImportPreview) -> None:
    """The counts, then every bad row: line, column and message."""
    counts = [f"{preview.to_create:,} to create"]
    if preview.update:
        counts += [f"{preview.to_update:,} to update", f"{preview.unchanged:,} unchanged"]
    counts.append(f"{preview.bad_rows:,} bad")
    print(f"{safe(file)}: {preview.rows:,} row{'s' if preview.rows != 1 else ''}: "
          f"{', '.join(counts)}.")
    for problem in preview.problems:
        where = f"Line {problem.line}" + (f", {problem.column}" if problem.column else "")
        print(f"  {where}: {safe(problem.message)}")
    if preview.problems_left_off:
        print(f"  … and {preview.problems_left_off:,} more problems.")
    for warning in preview.warnings:
        where = f"Line {warning.line}" + (f", {warning.column}" if warning.column else "")
        print(f"  warning: {where}: {safe(warning.message)}")
    if preview.warnings_left_off:
        print(f"  … and {preview.warnings_left_off:,} more warnings.")
    if preview.clashes:
        print(f"{preview.clashes:,} row{'s use codes' if preview.clashes != 1 else ' uses a code'}"
              " of existing customers: add --update to update those customers.")
