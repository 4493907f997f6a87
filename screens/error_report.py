"""Reporting an unexpected failure: its traceback to the error log, one clear toast on screen."""

import logging

from textual.app import App
from textual.notifications import SeverityLevel

from screens.widgets.safe_text import safe

LOGGER = logging.getLogger("custdesk")


def error_log_file() -> str | None:
    """The file the error log is written to, if the app set one up."""
    for handler in LOGGER.handlers:
        if isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None


def report_failure(
    app: App, what: str, error: BaseException, title: str = "", note: str = ""
) -> None:
    """Log `error` with its traceback under `what`, and show one error toast that names the log
    (after `note`, if given). A database that cannot be used (a full disk, an unwritable file)
    is not a bug: its one line is shown as it is, and logged without a traceback; nor is a
    refusal for the staff member's role, said as it is."""
    from models.staff.permissions import NotPermitted  # not before the app's first frame
    from models.store.db import DatabaseUnavailable

    if isinstance(error, NotPermitted):
        app.notify(safe(error), title="Not allowed", severity="warning", markup=False)
        return
    text = str(error).strip()
    detail = safe(text.splitlines()[0] if text else type(error).__name__).rstrip(".")
    if isinstance(error, DatabaseUnavailable):
        LOGGER.warning("%s: %s", what, detail)
        app.notify(
            f"{what}: {detail}.",
            title=title or "Database unavailable",
            severity="error",
            markup=False,
        )
        return
    LOGGER.error("%s", what, exc_info=(type(error), error, error.__traceback__))
    where = error_log_file()
    tail = f" Details are in {where}." if where else ""
    note = f" {note}" if note else ""
    app.notify(
        f"{what}: {detail}.{note}{tail}",
        title=title or "Something went wrong",
        severity="error",
        markup=False,
    )


def explain_failure(
    app: App,
    error: BaseException,
    what: str,
    expected: tuple[type[BaseException], ...],
    *,
    title: str = "",
    severity: SeverityLevel = "error",
) -> None:
    """Say why `what` did not happen: an expected refusal in its own words; anything else is
    unexpected and goes through report_failure (logged with its traceback)."""
    if isinstance(error, expected):
        app.notify(safe(error), title=title, severity=severity, markup=False)
    else:
        report_failure(app, f"{what} did not happen", error, title=title)
