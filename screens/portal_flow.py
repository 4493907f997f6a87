"""The words of the portal-action flow (screens/portal_actions.py runs it): the Yes/No question
for an action, and the toast that says honestly what happened."""

from textual.content import Content
from textual.notifications import SeverityLevel

from models.customers import CustomerNotFound
from models.portal.actions import (
    ACTION_LOCK,
    ACTION_SEND,
    PortalActionFailed,
    PortalActionRefused,
    PortalSummary,
    portal_policy,
)
from models.portal.emails import hours
from models.portal.service import ActionReport
from models.portal.tokens import LINK_LIFETIME, PURPOSE_ACTIVATION, PURPOSE_RESET
from models.store.db import DatabaseUnavailable
from models.text.email_lookalike import lookalike_warning
from screens.dialogs.confirm import ConfirmDialog
from screens.widgets.safe_text import safe

EXPLAINED = (PortalActionRefused, PortalActionFailed, CustomerNotFound, DatabaseUnavailable)


def _who(summary: PortalSummary) -> dict[str, str]:
    """The customer's name and email, made safe for display."""
    return {"name": safe(summary.name), "email": safe(summary.email) or "no billing email"}


def _warned(question: Content, summary: PortalSummary) -> Content:
    """The question, followed by a warning when the email address may imitate another."""
    warning = lookalike_warning(summary.email)
    if not warning:
        return question
    return question + Content.from_markup("\n\n[b]⚠[/b] $warning", warning=safe(warning))


def confirm_dialog(action: str, summary: PortalSummary, link_mode: bool) -> ConfirmDialog:
    """The Yes/No question for an action: what will happen, and to whom (and a warning when
    the address may be a look-alike)."""
    valid = hours(portal_policy().temp_password_lifetime)
    secret = (
        f"a one-time link to choose a password (valid {hours(LINK_LIFETIME[PURPOSE_ACTIVATION])})"
        if link_mode
        else f"a new temporary password (valid {valid}, to be changed at first sign-in)"
    )
    if action == ACTION_SEND and summary.on_its_way:
        question = Content.from_markup(
            "For [b]$name[/b] ($email), $underway.\n\nSend again? A new email with $secret "
            "replaces it: the one on its way stops working.",
            underway=safe(summary.on_its_way),
            secret=secret,
            **_who(summary),
        )
        return ConfirmDialog(
            "Send Activation Email",
            _warned(question, summary),
            yes_label="Send again",
            focus_no=True,
        )
    if action == ACTION_SEND:
        question = Content.from_markup(
            "Email [b]$name[/b] ($email) $secret, and make their portal account active?",
            secret=secret,
            **_who(summary),
        )
        return ConfirmDialog("Send Activation Email", _warned(question, summary), yes_label="Send")
    if action == ACTION_LOCK:
        question = Content.from_markup(
            "Lock the portal account of [b]$name[/b] ($email)? The portal will refuse every "
            "sign-in until staff use Reset Password and Unlock.",
            **_who(summary),
        )
        return ConfirmDialog(
            "Lock Account",
            _warned(question, summary),
            yes_label="Lock",
            focus_no=True,
            ask_reason="Reason for locking",
            dangerous=True,
        )
    secret = (
        f"a one-time link to choose a new password (valid {hours(LINK_LIFETIME[PURPOSE_RESET])})"
        if link_mode
        else f"a new temporary password (valid {valid})"
    )
    question = Content.from_markup(
        "Unlock the portal account of [b]$name[/b] ($email), clear failed sign-ins and email "
        "$secret? Their current password stops working at once.",
        secret=secret,
        **_who(summary),
    )
    return ConfirmDialog(
        "Reset Password and Unlock",
        _warned(question, summary),
        yes_label="Reset and unlock",
        ask_reason="Reason for unlocking",
    )


def outcome_message(report: ActionReport, link_mode: bool) -> tuple[str, SeverityLevel]:
    """The toast for a finished action and its severity: sent, saved locally, queued, or given
    up — never "sent" for an email that has not left."""
    who = f"{safe(report.result.name)} ({safe(report.result.email)})"
    action = report.result.action
    if action == ACTION_LOCK:
        return f"The portal account of {who} has been locked.", "information"
    credential = "one-time link" if link_mode else "temporary password"
    if action == ACTION_SEND:
        done = f"The portal account of {who} is active with a new {credential}"
        email = "the activation email"
        sent = (
            f"An activation email with a one-time link has been sent to {who}."
            if link_mode
            else f"A new password and activation email has been sent to {who}."
        )
    else:
        done = f"The portal account of {who} has been unlocked with a new {credential}"
        email = "the email"
        sent = (
            f"The portal account of {who} has been unlocked and "
            + ("an email with a one-time link" if link_mode else "a new password email")
            + " has been sent to them."
        )
    if report.delivered and report.to_maildir:
        return (
            (
                f"{done}; {email} was saved in {safe(report.destination)} — no mail server is "
                "set up, so it has not left this machine."
            ),
            "warning",
        )
    if report.delivered:
        return sent, "information"
    if report.gave_up:
        return (
            (
                f"{done}, but {email} could not be delivered: {safe(report.problem)}. "
                "Do the action again once that is fixed."
            ),
            "error",
        )
    return f"{done}; {email} is queued, not sent yet: {safe(report.problem)}.", "warning"
