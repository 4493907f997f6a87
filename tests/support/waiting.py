"""The one way tests wait for the app: until its database work ends and a condition holds."""

import asyncio
import contextlib
import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from screens.widgets.customer_table import CustomerTable
from support.screen import screen_text


def _always() -> bool:
    return True


def working(app) -> list[Worker]:
    """The thread workers still running: the app's database and file work. (Async workers
    are flows waiting on a dialog or on such a thread worker, so they do not count.)"""
    return [worker for worker in app.workers if worker._thread_worker and not worker.is_finished]


def list_waiting(app) -> bool:
    """Whether the customer list shown still waits for its count (it starts once the list has
    been quiet for a moment)."""
    tables = app.screen.query(CustomerTable)
    return any(table.total is None for table in tables)


async def _ended(worker: Worker) -> None:
    """Return when the worker has ended, however it ended: a failure is the app's to show,
    and the test checks what the app shows."""
    with contextlib.suppress(WorkerFailed, WorkerCancelled):
        await worker.wait()


async def settle(
    pilot: Pilot,
    until: Callable[[], bool] = _always,
    *,
    quiet: bool = True,
    seconds: float = 30.0,
) -> None:
    """Let the app run until `until()` holds and the screen has caught up; with `quiet` (the
    default) also until no database work runs and the list has its count and checks. Use
    `quiet=False` to catch a state that holds while work runs (progress, a cancel).
    Fails, showing the screen, after `seconds`."""
    app = pilot.app
    deadline = time.monotonic() + seconds
    while True:
        if quiet:
            await pilot.pause()  # the app idle: pressed keys have started their work
            running = working(app)
            if not running and not list_waiting(app) and until():
                await pilot.pause()  # the results of the last work reach the screen
                return
        else:  # check at once: a state that holds while work runs may soon be gone
            running = []
            if until():
                return
        left = deadline - time.monotonic()
        assert left > 0, f"gave up waiting; the screen shows:\n{screen_text(app)}"
        if running:  # woken by the first to end, not by polling
            ends = [asyncio.ensure_future(_ended(worker)) for worker in running]
            _done, pending = await asyncio.wait(
                ends, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            for end in pending:
                end.cancel()
        else:
            await pilot.pause(0.02)
