"""The app's background mail delivery: every little while a thread worker delivers what is due
in the outbox, and its outcome comes back to the app as a MailRan message (the app mixes in
MailDeliveryHost). Several apps may run at once; the outbox's claims keep every send single."""

from functools import partial
from typing import TYPE_CHECKING

import peewee
from textual.app import App
from textual.timer import Timer
from textual.worker import Worker

from models.env import SettingError, env_int
from models.mail.outbox import DeliveryReport
from models.mail.smtp import MailConfig, MailConfigError, parse_mail_url
from models.portal.delivery import deliver_waiting
from screens.db_work import Done, Outcome, Refused, Unexpected, WorkerGroup, run_db
from screens.error_report import report_failure
from screens.widgets.safe_text import safe
from tui.mail_host import MailRan

if TYPE_CHECKING:
    from tui.app import CustdeskApp

INTERVAL_ENV = "CUSTDESK_MAIL_INTERVAL"
DEFAULT_INTERVAL = 30  # seconds between delivery runs


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
        self.timer = self.app.set_interval(
            self.interval, self.deliver_soon, name=WorkerGroup.MAIL_DELIVERY
        )
        self.deliver_soon()

    def deliver_soon(self) -> None:
        """Start a delivery run unless one is still going."""
        if self._worker is not None and not self._worker.is_finished:
            return
        self._worker = run_db(
            self.app,
            partial(deliver_waiting, self.config),
            partial(MailRan, delivery=self),
            group=WorkerGroup.MAIL_DELIVERY,
            exclusive=False,
            refusals=(peewee.DatabaseError, SettingError),
        )

    def reported(self, outcome: Outcome[DeliveryReport]) -> None:
        """Tell staff what a run gave up, and (once, until it changes) why a run could not
        happen; runs on the UI thread."""
        match outcome:
            case Done(report):
                self._last_problem = ""
                for given_up in report.gave_up:
                    self._notify(
                        f"An email to {safe(given_up.to_address)} could not be delivered and "
                        f"was given up: {safe(given_up.error)}. Do the portal action again "
                        "once that is fixed."
                    )
            case Refused(error):
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                self._tell(f"Mail delivery could not run: {first_line}. It will try again.")
            case Unexpected(error):
                report_failure(self.app, "Mail delivery failed", error, title="Mail")

    def _tell(self, problem: str) -> None:
        """Say why delivery could not run, unless it was just said."""
        if problem != self._last_problem:
            self._last_problem = problem
            self._notify(problem)

    def _notify(self, text: str) -> None:
        """A toast, never parsed as markup."""
        self.app.notify(safe(text), title="Mail", severity="error", markup=False, timeout=15)


def start_mail_delivery(app: "CustdeskApp") -> MailDelivery | None:
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
