"""Helpers shared by the portal tests: customers, actions, and a real SMTP server on loopback."""

import mailbox
import os
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from models.customers import create_customer
from models.mail.smtp import parse_mail_url
from models.portal.actions import portal_summary, send_activation
from models.portal.delivery import deliver_message
from models.staff.session import StaffSession, identify
from models.store.tables import Staff

SENDER = "Shop Desk <desk@shop.example>"
NEW_PASSWORD = "correct horse battery"


def desk() -> StaffSession:
    """The staff member the tests act as: who the open database says we are (its creator, so
    an administrator)."""
    return identify()


def named_staff(login: str, role: str = "administrator") -> StaffSession:
    """A staff member with a fixed login and a role, put on the staff list directly: for
    SQLite snapshots that must not show the login of whoever runs the tests, and role tests.
    (On PostgreSQL the server still records the role it authenticated.)"""
    Staff.insert(login=login, role=role, added_by="tests").on_conflict(
        conflict_target=[Staff.login], update={Staff.role: role}
    ).execute()
    return StaffSession(login)


def make_customer(
    email: str = "jo@example.com", name: str = "Jo Bloggs", business: str = "Acme Ltd"
) -> int:
    """A saved customer with a billing email; returns its id."""
    values = {"business_name": business, "contact_name": name, "billing_contact_name": name}
    if email:
        values["billing_email"] = email
    return create_customer(values, desk()).id


def seen(customer_id: int) -> int:
    """The portal account's version as a clerk looking at it now sees it."""
    return portal_summary(customer_id, desk()).version


def mail_folder() -> Path:
    """The Maildir the helpers deliver to: in the test's data folder (a temporary folder)."""
    return Path(os.environ["CUSTDESK_DATA_DIR"]) / "test-mail"


def received_email(outbox_id: int) -> EmailMessage:
    """Deliver a queued message to the test Maildir now and return the email as received."""
    mail_folder().parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(str(mail_folder()))
    before = set(box.iterkeys())
    outcome = deliver_message(outbox_id, parse_mail_url(f"maildir:{mail_folder()}", SENDER))
    assert outcome is not None and outcome.sent, outcome
    [key] = set(box.iterkeys()) - before
    return message_from_bytes(box.get_bytes(key), policy=policy.default)


def secret_in(message: EmailMessage) -> str:
    """The temporary password or link token an activation or reset email gives."""
    for line in message.get_content().splitlines():
        text = line.strip()
        if text.startswith("Temporary password:"):
            return text.split(":", 1)[1].strip()
        if "/activate?token=" in text:
            return text.split("token=", 1)[1]
    raise AssertionError("no temporary password or link in the email")


def secret_of(outbox_id: int) -> str:
    """The secret (temporary password or link token) of a queued portal email: it exists only
    once the email is delivered, so deliver it (to the test Maildir) and read it there."""
    return secret_in(received_email(outbox_id))


def activated(email: str = "jo@example.com", portal_url: str = "") -> tuple[int, str]:
    """A customer whose activation email was delivered: (customer id, temporary password or
    token from the email)."""
    customer_id = make_customer(email)
    result = send_activation(
        customer_id, desk(), expected_version=0, sender=SENDER, portal_url=portal_url
    )
    return customer_id, secret_of(result.outbox_id)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every message; replies can be set to refuse."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpt_reply: str = ""
    data_reply: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept the recipient, unless told to refuse it."""
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Keep the message, unless told to refuse it."""
        if self.data_reply:
            return self.data_reply
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a loopback port, which can be stopped and started again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """The mail URL that points at this server."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        """Listen (again) on the same port."""
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def password_in(message: EmailMessage) -> str:
    """The temporary password written in an activation or reset email."""
    for line in message.get_content().splitlines():
        if line.strip().startswith("Temporary password:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no temporary password in the email")
