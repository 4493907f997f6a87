"""`custdesk export FILE.csv [--force]` (or `-` for stdout): every customer, streamed to CSV."""

import argparse
import io
import os
import sys
import time

from models.transfer.customer_export import (
    ExportTargetExists,
    ExportTargetUnwritable,
    export_to_file,
    write_customers,
)
from screens.widgets.safe_text import safe
from tui.progress_line import ProgressLine
from tui.settings import Settings

STDOUT = "-"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Export to the file (or stdout) and say how many customers were written."""
    started = time.perf_counter()
    progress = ProgressLine()
    try:
        if args.file == STDOUT:
            count = _export_to_stdout(progress, settings)
        else:
            count = export_to_file(
                args.file, settings.staff, overwrite=args.force, progress=progress
            )
    except ExportTargetExists:
        return _fail(
            progress, f"{args.file} already exists; add --force to overwrite it.", EXIT_USAGE
        )
    except ExportTargetUnwritable as error:
        return _fail(progress, str(error), EXIT_USAGE)
    except BrokenPipeError:  # the reader of stdout stopped early (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        return _fail(progress, "Interrupted: no file was written.", EXIT_INTERRUPTED)
    progress.finish()
    where = "standard output" if args.file == STDOUT else safe(args.file)
    print(
        f"Exported {count:,} customer{'s' if count != 1 else ''} to {where} in "
        f"{time.perf_counter() - started:.1f} s.",
        file=sys.stderr if args.file == STDOUT else sys.stdout,
    )
    return EXIT_OK


def _export_to_stdout(progress: ProgressLine, settings: Settings) -> int:
    """Write the CSV to stdout as UTF-8 (no BOM, for pipes), whatever the locale says."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        return write_customers(out, settings.staff, progress, destination="standard output")
    finally:
        out.flush()
        out.detach()  # leave sys.stdout's buffer open


def _fail(progress: ProgressLine, message: str, status: int) -> int:
    """Say in one line on stderr why the export did not happen; returns the exit status."""
    progress.finish()
    print(f"custdesk: {safe(message)}", file=sys.stderr)
    return status
