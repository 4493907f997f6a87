"""`custdesk import FILE.csv [--dry-run] [--update] [--duplicates skip|create] [--resume]`: check
every row, then import (in chunks; a stop part way says which lines are in, --resume finishes)."""

import argparse
import sys
import time

from models.store.db import DatabaseUnavailable
from models.transfer.customer_import import (
    BadFile,
    DuplicateChoice,
    ImportConflict,
    ImportPreview,
    ImportStopped,
    UnreadableFile,
    apply_import,
    preview_import,
)
from models.transfer.import_report import ReportStyle, import_report, plural
from models.transfer.import_run import StoppedImport, import_note, stopped_import
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
        resumes = _stopped_import(args) if args.resume else None
        if args.resume and resumes is None:
            return _fail(
                progress,
                f"{args.file}: no stopped import of this file to resume.",
                EXIT_NOT_IMPORTED,
            )
        after_line = resumes.last_line if resumes else 0
        preview = preview_import(
            args.file, update=args.update, progress=progress, after_line=after_line
        )
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
        if note := import_note():
            print(safe(note))
        try:
            result = apply_import(
                preview,
                settings.staff,
                progress=progress,
                duplicates=DuplicateChoice(args.duplicates == "create"),
                resumes=resumes,
            )
        except ImportStopped as error:
            return _fail(progress, str(error), _stopped_status(error.cause))
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


def _stopped_status(cause: BaseException) -> int:
    """The exit status of an import that stopped part way: as its cause's would be."""
    if isinstance(cause, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(cause, DatabaseUnavailable):
        return EXIT_UNAVAILABLE
    return EXIT_NOT_IMPORTED


def _stopped_import(args: argparse.Namespace) -> StoppedImport | None:
    """The stopped import of this file that --resume finishes, said on the terminal."""
    from pathlib import Path

    try:
        found = stopped_import(Path(args.file), args.update)
    except OSError as error:
        raise UnreadableFile(f"Cannot read {args.file}: {error.strerror}.") from error
    if found is not None:
        print(
            f"Resuming the import of {safe(found.source)} by {safe(found.staff)} after line "
            f"{found.last_line:,} ({found.created:,} created, {found.updated:,} updated; it "
            f"stopped: {safe(found.reason)})."
        )
    return found


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
