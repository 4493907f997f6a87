"""`custdesk demo --count N`: fill a database with realistic customers, with a progress line;
ctrl+C stops after the batch being written, keeping every batch already added."""

import argparse
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from models.demo.generate import DemoStopped, NotDemoDatabase, fill_demo_database
from models.store.db import DatabaseUnavailable, display_url
from tui.progress_line import ProgressLine
from tui.settings import Settings

EXIT_OK, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_STOPPED = 0, 1, 2, 130
STAGE = "demo"


@contextmanager
def interrupt_sets(cancel: threading.Event) -> Iterator[None]:
    """While inside, ctrl+C (SIGINT) sets `cancel` instead of raising KeyboardInterrupt, so the
    batch being written is committed whole; a SIGINT ignored by whoever started us stays so."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signal, _frame: cancel.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Add the customers and say how many and how fast, or how many before ctrl+C stopped it."""
    progress = ProgressLine()
    cancel = threading.Event()
    started = time.perf_counter()
    committed = [0]  # customers in batches already committed, for a fault's report

    def advanced(done: int) -> None:
        committed[0] = done
        progress(STAGE, done, args.count)

    try:
        with interrupt_sets(cancel):
            progress(STAGE, 0, args.count)
            added = fill_demo_database(settings.staff, args.count, cancel=cancel, progress=advanced)
    except NotDemoDatabase as refused:
        progress.finish()
        print(f"custdesk: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseUnavailable as error:
        progress.finish()
        print(
            f"custdesk: {error} {committed[0]:,} demo customers were added before it "
            "(each batch is committed whole).",
            file=sys.stderr,
        )
        return EXIT_UNAVAILABLE
    except DemoStopped as stopped:
        progress.finish()
        print(
            f"Stopped after adding {stopped.added:,} demo customers to "
            f"{display_url(settings.db_url)}.",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    progress.finish()
    print(
        f"Added {added:,} demo customers to {display_url(settings.db_url)} "
        f"in {time.perf_counter() - started:.1f} s."
    )
    return EXIT_OK
