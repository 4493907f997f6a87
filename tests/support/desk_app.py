"""The whole custdesk app on a test database, as a clerk at the desk starts it."""

from tui.app import CustdeskApp
from tui.settings import at_the_desk, resolve_settings


def make_app(db_url: str) -> CustdeskApp:
    """The app on `db_url`, with the default mail settings."""
    return CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))
