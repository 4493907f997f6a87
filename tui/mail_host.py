"""The app's side of background mail delivery: the message a delivery run posts back to the app,
and the mixin whose handler applies it. Light to import: the delivery code loads on first use."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.message_pump import MessagePump

from screens.db_work import WorkDone

if TYPE_CHECKING:
    from models.mail.outbox import DeliveryReport  # noqa: F401 (named in WorkDone["…"])
    from tui.mail_worker import MailDelivery


@dataclass
class MailRan(WorkDone["DeliveryReport"]):
    """One delivery run ended (or could not run)."""

    delivery: "MailDelivery"


class MailDeliveryHost(MessagePump):
    """Mixed into an App that runs background mail delivery: the run's outcome is applied here,
    on the UI thread."""

    @on(MailRan)
    def _mail_ran(self, event: MailRan) -> None:
        event.delivery.reported(event.outcome)
