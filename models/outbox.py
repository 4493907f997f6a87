"""The outbox: mail written in the same transaction as the change, delivered afterwards,
exactly once even with several deliverers, retried with backoff, its secret scrubbed once sent."""

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from string import Template

from models.clock import utcnow
from models.db import is_sqlite
from models.engine import write_transaction
from models.env import env_int
from models.mail import DeliveryError, MailConfig, build_message, deliver, new_message_id
from models.tables import OutboxMessage

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
SECRET_PLACEHOLDER = "${secret}"
CLAIM_LEASE = timedelta(minutes=5)  # a deliverer that dies mid-send frees its message after this
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
MAX_ATTEMPTS_ENV = "CUSTDESK_MAIL_MAX_ATTEMPTS"
DEFAULT_MAX_ATTEMPTS = 20  # 30 s, 1, 2, 4 … 32 min, then hourly: about 14 hours of trying
SCRUBBED = "[removed after delivery]"


def literal(text: str) -> str:
    """Text to put into a body template as it is (a `$` stays a `$`)."""
    return text.replace("$", "$$")


def max_attempts() -> int:
    """How many times a message is tried before it is given up: CUSTDESK_MAIL_MAX_ATTEMPTS."""
    return env_int(MAX_ATTEMPTS_ENV, DEFAULT_MAX_ATTEMPTS, 1, 1000)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling, at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def enqueue(customer_id: int | None, to_address: str, subject: str, body_template: str,
            sender: str, secret: str = "", discard_after: datetime | None = None) -> OutboxMessage:
    """Put one message in the outbox; call inside the caller's write transaction.

    The body is a template: SECRET_PLACEHOLDER marks where the secret goes, other text is
    passed through `literal()`. The secret is kept apart, so the body never holds it.
    """
    return OutboxMessage.create(
        message_id=new_message_id(sender), customer=customer_id, to_address=to_address,
        subject=subject, body=body_template, secret=secret, discard_after=discard_after,
        status=STATUS_PENDING, next_attempt_at=utcnow(),
    )


def rendered_body(message: OutboxMessage) -> str:
    """The body as the customer reads it: with the secret while it waits, marked removed after."""
    return Template(message.body).substitute(secret=message.secret or SCRUBBED)


@dataclass(frozen=True)
class DeliveryOutcome:
    """What happened to one message on one attempt."""

    outbox_id: int
    to_address: str
    sent: bool
    error: str = ""
    gave_up: bool = False
    next_attempt_at: datetime | None = None
    note: str = ""  # delivered, but something failed afterwards (e.g. QUIT): said, not retried


@dataclass
class DeliveryReport:
    """The outcomes of one delivery run."""

    outcomes: list[DeliveryOutcome] = field(default_factory=list)

    @property
    def sent(self) -> list[DeliveryOutcome]:
        """The messages delivered."""
        return [o for o in self.outcomes if o.sent]

    @property
    def retrying(self) -> list[DeliveryOutcome]:
        """The messages that failed and will be tried again."""
        return [o for o in self.outcomes if not o.sent and not o.gave_up]

    @property
    def gave_up(self) -> list[DeliveryOutcome]:
        """The messages given up for good."""
        return [o for o in self.outcomes if o.gave_up]


def new_deliverer_id() -> str:
    """A name for one deliverer: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime, due_only: bool):
    """The condition for a message no deliverer holds."""
    condition = ((OutboxMessage.status == STATUS_PENDING)
                 & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now)))
    if due_only:
        condition &= OutboxMessage.next_attempt_at <= now
    return condition


def _claim(deliverer: str, now: datetime, *, outbox_id: int | None = None,
           due_only: bool = True, skip: tuple[int, ...] = ()) -> OutboxMessage | None:
    """Take one message for this deliverer until the lease ends; None when none is free.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two deliverers never take the same row.
    SQLite: the IMMEDIATE write transaction already lets one claimer in at a time.
    """
    condition = _claimable(now, due_only)
    if outbox_id is not None:
        condition &= OutboxMessage.id == outbox_id
    if skip:
        condition &= OutboxMessage.id.not_in(skip)
    with write_transaction():
        query = (OutboxMessage.select(OutboxMessage.id).where(condition)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
        if not is_sqlite():
            query = query.for_update(skip_locked=True)
        row = query.first()
        if row is None:
            return None
        claimed = OutboxMessage.update(claimed_by=deliverer, claimed_until=now + CLAIM_LEASE).where(
            (OutboxMessage.id == row.id) & _claimable(now, due_only=False)).execute()
        return OutboxMessage.get_by_id(row.id) if claimed else None


def _finish(message: OutboxMessage, deliverer: str, **changes) -> None:
    """Record the end of this deliverer's attempt, releasing its claim."""
    with write_transaction():
        OutboxMessage.update(claimed_by="", claimed_until=None, **changes).where(
            (OutboxMessage.id == message.id) & (OutboxMessage.claimed_by == deliverer)).execute()


def _give_up(message: OutboxMessage, deliverer: str, error: str, attempts: int) -> DeliveryOutcome:
    """Flag a message as failed for good, scrubbing its secret."""
    _finish(message, deliverer, status=STATUS_FAILED, attempts=attempts, last_error=error,
            secret="")
    return DeliveryOutcome(message.id, message.to_address, False, error, gave_up=True)


def _attempt(message: OutboxMessage, config: MailConfig, deliverer: str) -> DeliveryOutcome:
    """Deliver one claimed message and record what happened."""
    now = utcnow()
    attempts = message.attempts + 1
    if message.discard_after is not None and message.discard_after <= now:
        return _give_up(message, deliverer, "Not delivered before the password or link in it "
                        "expired; do the action again.", message.attempts)
    try:
        email = build_message(config, message.to_address, message.subject,
                              rendered_body(message), message.message_id)
        note = deliver(config, email)
    except DeliveryError as error:
        if error.permanent or attempts >= max_attempts():
            return _give_up(message, deliverer, str(error), attempts)
        next_at = utcnow() + backoff(attempts)
        _finish(message, deliverer, attempts=attempts, last_error=str(error),
                next_attempt_at=next_at)
        return DeliveryOutcome(message.id, message.to_address, False, str(error),
                               next_attempt_at=next_at)
    # Accepted by the server: sent, whatever failed after (the note says what), never again.
    _finish(message, deliverer, status=STATUS_SENT, attempts=attempts, last_error=note,
            sent_at=utcnow(), secret="")
    return DeliveryOutcome(message.id, message.to_address, True, note=note)


def deliver_message(outbox_id: int, config: MailConfig) -> DeliveryOutcome | None:
    """Try to deliver one message now (just queued by an action); None when another deliverer
    holds it or it is no longer waiting."""
    deliverer = new_deliverer_id()
    message = _claim(deliverer, utcnow(), outbox_id=outbox_id, due_only=False)
    return None if message is None else _attempt(message, config, deliverer)


def deliver_waiting(config: MailConfig, *, due_only: bool = True,
                    limit: int = 100) -> DeliveryReport:
    """Deliver waiting messages one by one (only those due, unless `due_only` is False).

    A failure that will be retried ends the run: the server is likely down for the rest too.
    """
    deliverer = new_deliverer_id()
    report = DeliveryReport()
    tried: tuple[int, ...] = ()
    while len(report.outcomes) < limit:
        message = _claim(deliverer, utcnow(), due_only=due_only, skip=tried)
        if message is None:
            break
        tried += (message.id,)
        outcome = _attempt(message, config, deliverer)
        report.outcomes.append(outcome)
        if not outcome.sent and not outcome.gave_up:
            break
    return report


@dataclass(frozen=True)
class WaitingMessage:
    """A message not yet delivered, or given up, with the reason in words."""

    outbox_id: int
    to_address: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    reason: str


def _reason(message: OutboxMessage, now: datetime) -> str:
    """Why a message is still in the outbox."""
    if message.status == STATUS_FAILED:
        return f"gave up after {message.attempts} attempt(s): {message.last_error}"
    if message.claimed_until is not None and message.claimed_until > now:
        return f"being delivered now by {message.claimed_by}"
    if message.attempts == 0:
        return "not tried yet"
    when = "now" if message.next_attempt_at <= now else \
        f"at {message.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
    return f"attempt {message.attempts} failed: {message.last_error}; next try {when}"


def waiting_messages(include_failed: bool = True) -> list[WaitingMessage]:
    """The messages still waiting (and those given up), oldest first, with why."""
    statuses = [STATUS_PENDING, STATUS_FAILED] if include_failed else [STATUS_PENDING]
    now = utcnow()
    query = (OutboxMessage.select().where(OutboxMessage.status.in_(statuses))
             .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return [WaitingMessage(m.id, m.to_address, m.subject, m.status, m.attempts, m.created_at,
                           _reason(m, now)) for m in query]
