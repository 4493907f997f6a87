"""The outbox: mail written in the same transaction as the change, delivered afterwards,
exactly once even with several deliverers, retried with backoff. A message may carry a secret
of a `credential` kind (a portal email's password or link): a SecretIssuer given to the
deliverer (the portal's, models/portal/delivery.py) makes it in the transaction that claims the
message, so no row ever holds it. Mail knows nothing of the portal; a deliverer given no issuer
never claims a message that carries a secret."""

import os
import socket
import textwrap
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from string import Template
from typing import Any, Protocol, TypeVar

import peewee as pw

from models.clock import utcnow
from models.env import env_int
from models.mail.smtp import DeliveryError, MailConfig, build_message, deliver, new_message_id
from models.store.engine import write_transaction
from models.store.tables import OutboxMessage

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_WITHDRAWN = "withdrawn"  # a later action replaced it, or it no longer applies: not sent
SECRET_PLACEHOLDER = "${secret}"
EXPIRES_PLACEHOLDER = "${expires}"
REPLACES_PLACEHOLDER = "${replaces}"
NOTE_WIDTH = 72  # the portal emails' line width
CLAIM_LEASE = timedelta(minutes=5)  # a deliverer that dies mid-send frees its message after this
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
MAX_ATTEMPTS_ENV = "CUSTDESK_MAIL_MAX_ATTEMPTS"
DEFAULT_MAX_ATTEMPTS = 20  # 30 s, 1, 2, 4 … 32 min, then hourly: about 14 hours of trying


Prepared = TypeVar("Prepared")


@dataclass(frozen=True)
class IssuedSecret:
    """A secret now in force for a message: it goes into the email, and nowhere else."""

    secret: str = field(repr=False)  # never in a traceback or a log line
    expires_at: datetime
    replaces: datetime | None = None  # an earlier try made one at this time; it no longer works


class SecretIssuer(Protocol[Prepared]):
    """What makes the secrets of the messages that carry one (their `credential` kind)."""

    def prepare(self, credential: str) -> Prepared | None:
        """The secret of a credential kind, before the claim (it may be slow); None for none."""

    def issue(
        self, message: OutboxMessage, prepared: Prepared, now: datetime
    ) -> IssuedSecret | None:
        """Inside the claim: put the prepared secret in force for the message; None when the
        message no longer applies (then nothing changes and it is withdrawn)."""

    def withdrawn_reason(self, message: OutboxMessage) -> str:
        """Why a message that no longer applies is not sent, in words for the outbox listing."""


def literal(text: str) -> str:
    """Text to put into a body template as it is (a `$` stays a `$`)."""
    return text.replace("$", "$$")


def max_attempts() -> int:
    """How many times a message is tried before it is given up: CUSTDESK_MAIL_MAX_ATTEMPTS."""
    return env_int(MAX_ATTEMPTS_ENV, DEFAULT_MAX_ATTEMPTS, 1, 1000)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling, at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def enqueue(
    customer_id: int | None,
    to_address: str,
    subject: str,
    body_template: str,
    sender: str,
    credential: str = "",
    discard_after: datetime | None = None,
) -> OutboxMessage:
    """Put one message in the outbox; call inside the caller's write transaction.

    The body is a template: SECRET_PLACEHOLDER, EXPIRES_PLACEHOLDER and REPLACES_PLACEHOLDER
    mark where the deliverer puts the password or link (of the `credential` kind), its end and
    a line saying it replaces an earlier try; other text is passed through `literal()`.
    """
    return OutboxMessage.create(
        message_id=new_message_id(sender),
        customer=customer_id,
        to_address=to_address,
        subject=subject,
        body=body_template,
        credential=credential,
        discard_after=discard_after,
        status=STATUS_PENDING,
        next_attempt_at=utcnow(),
    )


def _when(moment: datetime) -> str:
    """A moment in UTC, for an email."""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def replaces_note(earlier: datetime) -> str:
    """The paragraph of an email that replaces an earlier try, which may have reached them."""
    return (
        textwrap.fill(
            f"This email replaces the one we tried to send you at {_when(earlier)}: "
            "if that one reached you, its password or link no longer works. Only "
            "this newest one does.",
            NOTE_WIDTH,
        )
        + "\n\n"
    )


def rendered_body(message: OutboxMessage, issued: IssuedSecret | None = None) -> str:
    """The body as the customer reads it, with the secret just made for this delivery."""
    return Template(message.body).substitute(
        secret=issued.secret if issued else "",
        expires=_when(issued.expires_at) if issued else "",
        replaces=replaces_note(issued.replaces) if issued and issued.replaces else "",
    )


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
    withdrawn: bool = False  # not sent: a later action replaced it, or it no longer applies


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
        return [o for o in self.outcomes if not o.sent and not o.gave_up and not o.withdrawn]

    @property
    def gave_up(self) -> list[DeliveryOutcome]:
        """The messages given up for good."""
        return [o for o in self.outcomes if o.gave_up]

    @property
    def withdrawn(self) -> list[DeliveryOutcome]:
        """The messages not sent because they no longer apply."""
        return [o for o in self.outcomes if o.withdrawn]


def new_deliverer_id() -> str:
    """A name for one deliverer: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime, due_only: bool, secrets: bool):
    """The condition for a message no deliverer holds (one carrying a secret only for a
    deliverer that can make it). A message with a secret also waits while another to the same
    customer is being delivered, so the last one accepted by the server is always the one whose
    password or link works."""
    other = OutboxMessage.alias()
    in_flight = other.select(other.id).where(
        (other.customer == OutboxMessage.customer)
        & (other.id != OutboxMessage.id)
        & (other.credential != "")
        & (other.status == STATUS_PENDING)
        & (other.claimed_until > now)
    )
    condition = (
        (OutboxMessage.status == STATUS_PENDING)
        & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now))
        & ((OutboxMessage.credential == "") | ~pw.fn.EXISTS(in_flight))
    )
    if due_only:
        condition &= OutboxMessage.next_attempt_at <= now
    if not secrets:
        condition &= OutboxMessage.credential == ""
    return condition


def _candidate(
    now: datetime,
    *,
    outbox_id: int | None = None,
    due_only: bool = True,
    skip: tuple[int, ...] = (),
    secrets: bool = False,
) -> OutboxMessage | None:
    """The next message this deliverer could claim (a read; the claim decides)."""
    condition = _claimable(now, due_only, secrets)
    if outbox_id is not None:
        condition &= OutboxMessage.id == outbox_id
    if skip:
        condition &= OutboxMessage.id.not_in(skip)
    return (
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.credential)
        .where(condition)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .first()
    )


@dataclass(frozen=True)
class _Claim:
    """A message this deliverer holds, with the secret made for it; or how it ended at once."""

    message: OutboxMessage
    issued: IssuedSecret | None = None
    ended: DeliveryOutcome | None = None  # given up or withdrawn in the claim: nothing to send


def _end_in_claim(message: OutboxMessage, outcome: DeliveryOutcome, **changes) -> _Claim:
    """Record, inside the claim, that the message will not be sent."""
    OutboxMessage.update(claimed_by="", claimed_until=None, **changes).where(
        OutboxMessage.id == message.id
    ).execute()
    return _Claim(message, ended=outcome)


def _claim(
    deliverer: str, candidate: OutboxMessage, now: datetime, secrets: SecretIssuer[Any] | None
) -> _Claim | None:
    """Take a message for this deliverer until the lease ends; None when another took it first.

    A message's secret is made (and hashed: bcrypt is slow) by `secrets` before the write
    transaction, and put in force in the transaction that claims the message, only while the
    message still applies. The claim is one UPDATE, so two deliverers never
    both hold it (PostgreSQL re-checks the row after the other's commit; SQLite's IMMEDIATE
    transaction lets one writer in at a time).
    """
    prepared = secrets.prepare(candidate.credential) if secrets is not None else None
    with write_transaction():
        claimed = (
            OutboxMessage.update(claimed_by=deliverer, claimed_until=now + CLAIM_LEASE)
            .where(
                (OutboxMessage.id == candidate.id)
                & _claimable(now, due_only=False, secrets=secrets is not None)
            )
            .execute()
        )
        if not claimed:
            return None
        message = OutboxMessage.get_by_id(candidate.id)
        if message.discard_after is not None and message.discard_after <= now:
            error = (
                "Not delivered in time (the password or link would have been stale); "
                "do the action again."
            )
            return _end_in_claim(
                message,
                DeliveryOutcome(message.id, message.to_address, False, error, gave_up=True),
                status=STATUS_FAILED,
                last_error=error,
            )
        if secrets is None or prepared is None:
            return _Claim(message)
        issued = secrets.issue(message, prepared, now)
        if issued is None:
            reason = secrets.withdrawn_reason(message)
            return _end_in_claim(
                message,
                DeliveryOutcome(message.id, message.to_address, False, reason, withdrawn=True),
                status=STATUS_WITHDRAWN,
                last_error=reason,
            )
        return _Claim(message, issued)


def _finish(message: OutboxMessage, deliverer: str, **changes) -> None:
    """Record the end of this deliverer's attempt, releasing its claim."""
    with write_transaction():
        OutboxMessage.update(claimed_by="", claimed_until=None, **changes).where(
            (OutboxMessage.id == message.id) & (OutboxMessage.claimed_by == deliverer)
        ).execute()


def _give_up(message: OutboxMessage, deliverer: str, error: str, attempts: int) -> DeliveryOutcome:
    """Flag a message as failed for good."""
    _finish(message, deliverer, status=STATUS_FAILED, attempts=attempts, last_error=error)
    return DeliveryOutcome(message.id, message.to_address, False, error, gave_up=True)


def _attempt(claim: _Claim, config: MailConfig, deliverer: str) -> DeliveryOutcome:
    """Deliver one claimed message and record what happened."""
    message = claim.message
    attempts = message.attempts + 1
    try:
        email = build_message(
            config,
            message.to_address,
            message.subject,
            rendered_body(message, claim.issued),
            message.message_id,
        )
        if message.claimed_until is not None and utcnow() >= message.claimed_until:
            raise DeliveryError("the claim ran out before sending; another try sends it")
        note = deliver(config, email)
    except DeliveryError as error:
        if error.permanent or attempts >= max_attempts():
            return _give_up(message, deliverer, str(error), attempts)
        next_at = utcnow() + backoff(attempts)
        # Not accepted: that try's password or link reached nobody, so the next needs no note.
        _finish(
            message,
            deliverer,
            attempts=attempts,
            last_error=str(error),
            next_attempt_at=next_at,
            issued_at=None,
        )
        return DeliveryOutcome(
            message.id, message.to_address, False, str(error), next_attempt_at=next_at
        )
    # Accepted by the server: sent, whatever failed after (the note says what), never again.
    _finish(
        message, deliverer, status=STATUS_SENT, attempts=attempts, last_error=note, sent_at=utcnow()
    )
    return DeliveryOutcome(message.id, message.to_address, True, note=note)


def _claim_and_deliver(
    deliverer: str, candidate: OutboxMessage, config: MailConfig, secrets: SecretIssuer[Any] | None
) -> DeliveryOutcome | None:
    """Claim one message and deliver it; None when another deliverer took it first."""
    claim = _claim(deliverer, candidate, utcnow(), secrets)
    if claim is None:
        return None
    return claim.ended or _attempt(claim, config, deliverer)


def deliver_message(
    outbox_id: int, config: MailConfig, secrets: SecretIssuer[Any] | None = None
) -> DeliveryOutcome | None:
    """Try to deliver one message now (just queued by an action); None when another deliverer
    holds it (or an earlier email to the same customer), or it is no longer waiting (or carries
    a secret and no `secrets` issuer is given)."""
    candidate = _candidate(
        utcnow(), outbox_id=outbox_id, due_only=False, secrets=secrets is not None
    )
    if candidate is None:
        return None
    return _claim_and_deliver(new_deliverer_id(), candidate, config, secrets)


def deliver_waiting(
    config: MailConfig,
    *,
    due_only: bool = True,
    limit: int = 100,
    secrets: SecretIssuer[Any] | None = None,
) -> DeliveryReport:
    """Deliver waiting messages one by one (only those due, unless `due_only` is False; those
    carrying a secret only with a `secrets` issuer).

    A failure that will be retried ends the run: the server is likely down for the rest too.
    """
    deliverer = new_deliverer_id()
    report = DeliveryReport()
    tried: tuple[int, ...] = ()
    while len(report.outcomes) < limit:
        candidate = _candidate(utcnow(), due_only=due_only, skip=tried, secrets=secrets is not None)
        if candidate is None:
            break
        tried += (candidate.id,)
        outcome = _claim_and_deliver(deliverer, candidate, config, secrets)
        if outcome is None:  # another deliverer took it first
            continue
        report.outcomes.append(outcome)
        if not outcome.sent and not outcome.gave_up and not outcome.withdrawn:
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
    when = (
        "now"
        if message.next_attempt_at <= now
        else f"at {message.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
    )
    return f"attempt {message.attempts} failed: {message.last_error}; next try {when}"


def waiting_messages(include_failed: bool = True) -> list[WaitingMessage]:
    """The messages still waiting (and those given up), oldest first, with why."""
    statuses = [STATUS_PENDING, STATUS_FAILED] if include_failed else [STATUS_PENDING]
    now = utcnow()
    query = (
        OutboxMessage.select()
        .where(OutboxMessage.status.in_(statuses))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        WaitingMessage(
            m.id, m.to_address, m.subject, m.status, m.attempts, m.created_at, _reason(m, now)
        )
        for m in query
    ]
