"""The custdesk Textual app: settings, the first screen, and app-wide keys, theme and errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea
from textual.worker import Worker, WorkerFailed, WorkerState

from screens.error_report import LOGGER, report_failure
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_text import safe, safe_clipboard
from styles import APP_STYLESHEETS
from tui.error_log import start_error_log
from tui.mail_host import MailDeliveryHost
from tui.preferences import (
    DARK_THEME,
    LIGHT_THEME,
    Preferences,
    load_preferences,
    save_preferences,
)
from tui.settings import DEMO_SIZE, Settings

if TYPE_CHECKING:  # models/ and the list load after the first frame
    from models.staff.permissions import Permission
    from tui.app_work import AttemptRefused, DemoChecked


def _customer_commands() -> type[Provider]:
    from screens.customer_commands import CustomerCommands

    return CustomerCommands


def _field_commands() -> type[Provider]:
    from screens.customer_commands import FieldCommands

    return FieldCommands


def _screen_commands() -> type[Provider]:
    from screens.customer_commands import ScreenCommands

    return ScreenCommands


MAIL_START_SECONDS = 0.5  # mail delivery (and its imports) waits until the list is painted


class CustdeskApp(KeepRunning, MailDeliveryHost, App):
    """The full-screen desk app; it opens on the customer list."""

    TITLE = "custdesk"
    CSS_PATH = APP_STYLESHEETS
    COMMANDS = App.COMMANDS | {_customer_commands, _field_commands, _screen_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", priority=True),  # in dialogs and text fields too
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+t", "toggle_theme", "Light/dark theme", show=False),
        # priority, so it reaches a text field's cut only when there is no message to dismiss
        Binding("ctrl+x", "dismiss_messages", "Dismiss messages", show=False, priority=True),
    ]
    ERROR_TOAST_SECONDS = 24 * 60 * 60  # errors stay until dismissed (ctrl+x, or a click)

    def __init__(self, settings: Settings | None, opening: Callable[[], Settings] | None = None):
        """`settings` of an open database; or none yet, and `opening` opens it after the first
        frame (in a thread worker) and returns them. An error it raises ends the app and is kept in
        `opening_error`."""
        super().__init__()
        self._settings = settings
        self._opening = opening
        self.opening_error: Exception | None = None
        self._opening_worker: Worker | None = None
        self.error_log = start_error_log()
        self._stopped_by = ""  # the line printed on stderr after an unexpected error
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"  # nothing moves unless asked: kind to slow links
        self._use_theme(load_preferences().theme)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS one whose pastes stay pastes
        (tui/paste_fence.py: an ESC inside a paste must not become keystrokes)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":
            from tui.paste_fence import PasteFencedDriver

            return PasteFencedDriver
        return driver

    @property
    def settings(self) -> Settings:
        """The settings of the open database (asking before it is open is an error)."""
        if self._settings is None:
            raise RuntimeError("The database is not open yet: no settings to read.")
        return self._settings

    def copy_to_clipboard(self, text: str) -> None:
        """Copy text through the display sanitiser: a copied customer value carries no
        control or bidi character into the terminal's clipboard (or wherever it is pasted)."""
        super().copy_to_clipboard(safe_clipboard(text))

    def compose(self):
        """Under the list, seen only while the database opens."""
        if self._opening is not None:
            yield Static("custdesk: opening the database…", id="opening", markup=False)

    def on_mount(self) -> None:
        """Show the customer list (once the database is open), remember theme changes."""
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._opening is None:
            self._show_list()
        else:
            self.call_after_refresh(self._open_database)

    def _open_database(self) -> None:
        """Open the database in a thread worker once the first frame is out: on SQLite this
        migrates, which may take long, and the screen keeps answering (ctrl+q) meanwhile."""
        if self._opening is None:
            raise RuntimeError("No opening to run: the database was open from the start.")
        self._opening_worker = self.run_worker(self._opening, thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The opening ended: show the list, or end the app (the CLI says why in one line)."""
        if event.worker is not self._opening_worker:
            return
        if event.state == WorkerState.SUCCESS:
            self._settings = event.worker.result
            self._show_list()
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.opening_error = error if isinstance(error, Exception) else RuntimeError(error)
            self.exit(return_code=2)

    def _show_list(self) -> None:
        """Push the customer list, start delivering the outbox, offer the demo customers."""
        from screens.customer_list import CustomerListScreen

        self.push_screen(CustomerListScreen())
        self.set_timer(MAIL_START_SECONDS, self._start_mail_delivery)
        if self.settings.demo:
            self._fill_empty_demo_database()

    def _fill_empty_demo_database(self) -> None:
        """The first time the demo database is opened: add its customers, with progress."""
        from screens.db_work import WorkerGroup, run_db
        from tui.app_work import DemoChecked, demo_has_customers

        run_db(self, demo_has_customers, DemoChecked, group=WorkerGroup.DEMO_OFFER)

    def on_demo_checked(self, event: DemoChecked) -> None:
        """Offer the demo customers when the demo database is empty (tui/app_work.DemoChecked)."""
        from screens.db_work import Done, Refused, Unexpected

        match event.outcome:
            case Done(False):
                from screens.dialogs.demo_dialog import DemoDialog

                self.push_screen(DemoDialog(DEMO_SIZE, only_if_empty=True, start_at_once=True))
            case Done(True):
                pass
            case Refused(error) | Unexpected(error):
                report_failure(self, "Could not look into the demo database", error)

    def attempt(self, permission: Permission) -> None:
        """Ask models/ for something the role may not do (from the palette): the attempt is
        audited and refused, and the refusal is shown."""
        from models.staff.permissions import authorize
        from screens.db_work import WorkerGroup, run_db
        from tui.app_work import AttemptRefused

        run_db(
            self,
            partial(authorize, self.settings.staff, permission),
            AttemptRefused,
            group=WorkerGroup.REFUSED_ATTEMPT,
            exclusive=False,
        )

    def on_attempt_refused(self, event: AttemptRefused) -> None:
        """Show the refusal models/ gave (tui/app_work.AttemptRefused)."""
        from models.staff.permissions import NotPermitted
        from screens.db_work import Done, Refused, Unexpected

        match event.outcome:
            case Refused(NotPermitted() as refused):
                self.notify(safe(refused), title="Not allowed", severity="warning", markup=False)
            case Refused(error) | Unexpected(error):
                report_failure(self, "The refused attempt could not be recorded", error)
            case Done():
                pass  # the role allows it after all (it changed meanwhile): nothing to say

    def _start_mail_delivery(self) -> None:
        from tui.mail_worker import start_mail_delivery

        start_mail_delivery(self)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady text cursor when animation is off: a blinking one repaints twice a second."""
        widget = event.widget
        if (
            self.animation_level == "none"
            and isinstance(widget, Input | TextArea)
            and widget.cursor_blink
        ):
            widget.cursor_blink = False

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        """Show a toast; an error stays until the clerk dismisses it (ctrl+x)."""
        if severity == "error" and timeout is None:
            timeout = self.ERROR_TOAST_SECONDS
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_dismiss_messages(self) -> None:
        """Dismiss every toast on the screen; with none, ctrl+x is a text field's cut."""
        if not self._notifications:
            raise SkipAction()
        self.clear_notifications()

    # --- theme ---

    def _use_theme(self, name: str) -> None:
        if name in self.available_themes:
            self.theme = name
        else:
            LOGGER.warning("Ignoring the remembered theme %r: there is no such theme", name)

    def _remember_theme(self, _theme: object) -> None:
        save_preferences(Preferences(theme=self.theme))

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, the dark/light switch and the keys of the screen."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Light/dark theme",
            "Switch between the dark and the light theme (ctrl+t); the choice is remembered",
            self.action_toggle_theme,
        )
        yield SystemCommand("Help", "List the keys of this screen (? or F1)", self.action_help)

    # --- help ---

    def action_help(self) -> None:
        """List the keys of the current screen."""
        from screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    # --- errors ---

    def _handle_exception(self, error: Exception) -> None:
        """An error that got past KeepRunning (a screen that could not be built, or Textual's own
        code): a failed background task is logged and shown, and the app goes on; anything
        else is logged with its traceback and the app stops with one line on stderr naming the
        log (never a traceback on the terminal)."""
        if isinstance(error, WorkerFailed) and self.is_running:
            report_failure(self, "A background task failed", error.error)
            return
        LOGGER.critical(
            "custdesk stopped after an unexpected error",
            exc_info=(type(error), error, error.__traceback__),
        )
        self._return_code = 1
        if self._exception is None:  # run_test() raises it again for the test to see
            self._exception = error
            self._exception_event.set()
        if not self._stopped_by:
            self._stopped_by = (
                f"custdesk stopped after an unexpected error "
                f"({type(error).__name__}); the details are in {self.error_log}"
            )
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """After the terminal is restored: the one line saying why the app stopped."""
        if self._stopped_by:
            print(self._stopped_by, file=sys.stderr)
            self._stopped_by = ""
        super()._print_error_renderables()
