"""Keep the app running after an unexpected error in one of custdesk's own message handlers.

Textual's default is to stop the message loop of the widget whose handler raised, then the
app: a clerk would lose the form they were typing. Every screen and widget of custdesk (and
the app, where key bindings run their actions) mixes this in instead: the error is logged with
its traceback, one toast names the log, and the screen goes on with its fields as they were.
An error while a screen is being built (compose, mount) still stops the app: there is no
screen to go on with.
"""

import time
from weakref import WeakKeyDictionary

from textual.app import App
from textual.message import Message

from screens.error_report import LOGGER, report_failure

REPEAT_QUIET_SECONDS = 10.0  # the same error again within this time is logged, not shown again


class KeepRunning:
    """Mixin for a Textual screen, widget or app: report an error in a handler, and go on."""

    async def _dispatch_message(self, message: Message) -> None:
        """Dispatch as Textual does; an error once mounted is reported instead of ending the loop."""
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            if not self._is_mounted:  # type: ignore[attr-defined]
                raise
            report_unexpected(self.app, error)  # type: ignore[attr-defined]


_last_shown: WeakKeyDictionary[App, dict[tuple[str, str], float]] = WeakKeyDictionary()


def report_unexpected(app: App, error: Exception) -> None:
    """Log the error with its traceback; show it unless the same one was shown a moment ago
    (a handler that fails on every refresh must not flood the screen with toasts)."""
    shown = _last_shown.setdefault(app, {})
    key = (type(error).__name__, str(error))
    now = time.monotonic()
    if now - shown.get(key, -REPEAT_QUIET_SECONDS) < REPEAT_QUIET_SECONDS:
        LOGGER.error("The same unexpected error again", exc_info=error)
        return
    shown[key] = now
    report_failure(
        app,
        f"Unexpected error ({type(error).__name__})",
        error,
        note="custdesk carried on; what you typed is still there.",
    )
