"""Helpers of the width and paging tests (issue 17): the app on a database, a wait, the screen."""

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
