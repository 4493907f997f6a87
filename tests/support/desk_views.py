"""Helpers of the width and paging tests (issue 17): the app on a database, a wait, the screen."""

import time

from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings


def desk_app(db_url: str) -> CustdeskApp:
    """The whole app on a database, as the clerk starts it."""
    return CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))


def screen_lines(app) -> list[str]:
    """What the terminal shows, one string a line."""
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Let thread workers finish and the screen catch up until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        busy = any(w._thread_worker and not w.is_finished for w in pilot.app.workers)
        if not busy and condition():
            await pilot.pause()
            return
        assert time.monotonic() < deadline, "gave up waiting; the screen shows:\n" + "\n".join(
            screen_lines(pilot.app)
        )
        await pilot.pause(0.02)
