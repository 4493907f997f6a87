"""Delivering the outbox with the portal's passwords and links (PORTAL_SECRETS): the deliverer
the app, the command line and a portal action use, so portal emails are sent with their secret
made at the claim. Mail itself never imports the portal."""

from models.mail.outbox import DeliveryOutcome, DeliveryReport
from models.mail.outbox import deliver_message as _deliver_message
from models.mail.outbox import deliver_waiting as _deliver_waiting
from models.mail.smtp import MailConfig
from models.portal.secrets import PORTAL_SECRETS


def deliver_message(outbox_id: int, config: MailConfig) -> DeliveryOutcome | None:
    """Try to deliver one message now, making its password or link at the claim; None when
    another deliverer holds it, or it is no longer waiting."""
    return _deliver_message(outbox_id, config, PORTAL_SECRETS)


def deliver_waiting(
    config: MailConfig, *, due_only: bool = True, limit: int = 100
) -> DeliveryReport:
    """Deliver the waiting messages (only those due, unless `due_only` is False), portal
    emails with their password or link."""
    return _deliver_waiting(config, due_only=due_only, limit=limit, secrets=PORTAL_SECRETS)
