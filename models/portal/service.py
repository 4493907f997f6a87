"""A portal action as the desk runs it: the change, then one attempt to deliver its email."""

from dataclasses import dataclass

import peewee as pw

from models.mail.smtp import MailConfigError, parse_mail_url
from models.portal.actions import (
    ACTION_LOCK,
    ACTION_RESET,
    ACTION_SEND,
    ActionResult,
    lock_account,
    reset_and_unlock,
    send_activation,
)
from models.portal.delivery import deliver_message
from models.staff.session import StaffSession


@dataclass(frozen=True)
class ActionReport:
    """What an action did and where its email is: delivered (and where), or queued and why."""

    result: ActionResult
    delivered: bool = False
    destination: str = ""  # where the email went, for people
    to_maildir: bool = False
    problem: str = ""  # why the email is still queued, or was given up
    gave_up: bool = False  # the email will not be delivered: the action must be done again


def _deliver_now(result: ActionResult, mail_url: str, sender: str) -> ActionReport:
    """Try once to deliver the action's email; the outbox keeps it when that fails."""
    try:
        config = parse_mail_url(mail_url, sender)
    except MailConfigError as error:
        return ActionReport(result, problem=f"the mail settings are not usable: {error}")
    if result.outbox_id is None:
        raise ValueError(f"The portal action {result.action} queued no email to deliver.")
    try:
        outcome = deliver_message(result.outbox_id, config)
    except pw.DatabaseError as error:  # the change is made; the outbox still holds the email
        first_line = (str(error).strip().splitlines() or ["no detail"])[0]
        return ActionReport(
            result,
            problem=f"the delivery could not be recorded ({first_line}); the outbox will try again",
        )
    if outcome is None:
        return ActionReport(
            result,
            problem="another desk is delivering it, or an earlier email "
            "to this customer, right now; it follows within a minute",
        )
    if outcome.sent:
        return ActionReport(result, True, config.describe(), config.is_maildir)
    if outcome.withdrawn:
        return ActionReport(result, problem=outcome.error, gave_up=True)
    if outcome.gave_up:
        return ActionReport(result, problem=outcome.error, gave_up=True)
    return ActionReport(result, problem=f"{outcome.error}; it will be retried")


def perform_action(
    action: str,
    customer_id: int,
    *,
    staff: StaffSession,
    expected_version: int,
    mail_url: str,
    sender: str,
    portal_url: str = "",
    reason: str = "",
    resend: bool = False,
) -> ActionReport:
    """Carry out one portal action on the account state the clerk confirmed (its version) and
    try to deliver its email at once (slow: bcrypt and SMTP — call it from a worker thread)."""
    if action == ACTION_LOCK:
        return ActionReport(
            lock_account(customer_id, staff, reason=reason, expected_version=expected_version)
        )
    if action == ACTION_SEND:
        result = send_activation(
            customer_id,
            staff,
            expected_version=expected_version,
            sender=sender,
            portal_url=portal_url,
            resend=resend,
        )
    elif action == ACTION_RESET:
        result = reset_and_unlock(
            customer_id,
            staff,
            expected_version=expected_version,
            sender=sender,
            portal_url=portal_url,
            reason=reason,
        )
    else:
        raise ValueError(f"Unknown portal action {action!r}.")
    return _deliver_now(result, mail_url, sender)
