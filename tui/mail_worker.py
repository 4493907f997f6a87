"""The app's background mail delivery: every little while a thread worker delivers what is due
in the outbox. Several apps may run at once; the outbox's claims keep every send single."""

import peewee
from textual.app import App
from textual.timer import Timer
from textual.worker import Worker

from models.env import SettingError, env_int
from models.mail.outbox import DeliveryReport
from models.mail.smtp import MailConfig, MailConfigError, parse_mail_url
from models.portal.delivery import deliver_waiting
from models.store.db import DatabaseUnavailable, connection
from screens.widgets.safe_text import safe

INTERVAL_ENV = "CUSTDESK_MAIL_INTERVAL"
DEFAULT_INTERVAL = 30  # seconds between delivery runs
GROUP = "mail-delivery"


class MailDelivery:
    """Runs outbox delivery in a thread worker on a timer, one run at a time."""

    def __init__(self, app: App, config: MailConfig, interval: float):
        self.app = app
        self.config = config
        self.interval = interval
        self.timer: Timer | None = None
        self._worker: Worker | None = None
        self._last_problem = ""

    def start(self) -> None:
        """Deliver now, then every `interval` seconds."""
        self.timer = self.app.set_interval(self.interval, self.deliver_soon, name=GROUP)
        self.deliver_soon()

    def deliver_soon(self) -> None:
        """Start a delivery run unless one is still going."""
        if self._worker is not None and not self._worker.is_finished:
            return
        self._worker = self.app.run_worker(
            self._deliver, name=GROUP, group=GROUP, thread=True, exit_on_error=False
        )

    def _deliver(self) -> DeliveryReport | None:
        """One run, on this thread's own database connection; tells staff what was given up,
        and (once, until it changes) why a run could not happen."""
        try:
            with connection():
                report = deliver_waiting(self.config)
        except (DatabaseUnavailable, peewee.DatabaseError, SettingError) as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            self._tell(f"Mail delivery could not run: {first_line}. It will try again.")
            return None
        self._last_problem = ""
        for outcome in report.gave_up:
            self._notify(
                f"An email to {safe(outcome.to_address)} could not be delivered and was "
                f"given up: {safe(outcome.error)}. Do the portal action again once that "
                "is fixed."
            )
        return report

    def _tell(self, problem: str) -> None:
        """Say why delivery could not run, unless it was just said."""
        if problem != self._last_problem:
            self._last_problem = problem
            self._notify(problem)

    def _notify(self, text: str) -> None:
        """A toast from the worker thread, never parsed as markup."""
        self.app.call_from_thread(
            self.app.notify, safe(text), title="Mail", severity="error", markup=False, timeout=15
        )


def start_mail_delivery(app: App) -> MailDelivery | None:
    """Start background delivery for the app's settings; None (and a toast) when the mail
    settings cannot be used, so actions still queue their email."""
    settings = app.settings
    try:
        config = parse_mail_url(settings.mail_url, settings.mail_from)
        interval = env_int(INTERVAL_ENV, DEFAULT_INTERVAL, 1, 3600)
    except (MailConfigError, ValueError) as error:
        app.notify(
            f"Email will wait in the outbox: {safe(error)}",
            title="Mail settings",
            severity="error",
            markup=False,
            timeout=15,
        )
        return None
    delivery = MailDelivery(app, config, interval)
    delivery.start()
    return delivery
