"""`custdesk outbox`: list the mail that waits and why; `--flush` delivers it now."""

import argparse
import sys

from models.env import SettingError
from models.mail.outbox import DeliveryReport, WaitingMessage, waiting_messages
from models.mail.smtp import MailConfigError, parse_mail_url
from models.portal.delivery import deliver_waiting
from screens.widgets.safe_text import safe
from tui.settings import Settings


def _print_waiting(messages: list[WaitingMessage]) -> None:
    """One block per message: when, to whom, what, and why it waits."""
    if not messages:
        print("The outbox is empty: every message has been delivered.")
        return
    print(f"{len(messages)} message(s) in the outbox:")
    for m in messages:
        print(
            f"#{m.outbox_id}  {m.created_at:%Y-%m-%d %H:%M} UTC  {safe(m.to_address)}  "
            f"{safe(m.subject)}"
        )
        print(f"    {m.status}: {safe(m.reason)}")


def _print_report(report: DeliveryReport, destination: str) -> None:
    """What one flush did."""
    if not report.outcomes:
        print("Nothing to deliver.")
    if report.sent:
        print(f"Delivered {len(report.sent)} message(s) to {destination}.")
    for outcome in report.sent:
        if outcome.note:
            print(
                f"Delivered to {safe(outcome.to_address)} (#{outcome.outbox_id}), not to be "
                f"sent again, but: {safe(outcome.note)}."
            )
    for outcome in report.retrying:
        print(
            f"Not delivered to {safe(outcome.to_address)} (#{outcome.outbox_id}): "
            f"{safe(outcome.error)}; it stays in the outbox and will be retried."
        )
    for outcome in report.withdrawn:
        print(
            f"Not sent to {safe(outcome.to_address)} (#{outcome.outbox_id}): {safe(outcome.error)}."
        )
    for outcome in report.gave_up:
        print(
            f"Given up on {safe(outcome.to_address)} (#{outcome.outbox_id}): "
            f"{safe(outcome.error)}; do the portal action again."
        )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """List the outbox, or deliver it first; exit 1 when a flush left something undelivered."""
    try:
        config = parse_mail_url(settings.mail_url, settings.mail_from)
        if not args.flush:
            _print_waiting(waiting_messages())
            return 0
        report = deliver_waiting(config, due_only=False)
    except (MailConfigError, SettingError) as error:
        print(f"custdesk: {error}", file=sys.stderr)
        return 2
    _print_report(report, config.describe())
    remaining = waiting_messages(include_failed=False)
    if remaining:
        print()
        _print_waiting(remaining)
    return 1 if report.retrying or report.gave_up else 0
