"""A portal email's temporary password or one-time link, made when the email is delivered: the
deliverer, given PORTAL_SECRETS, makes it, stores only its hash in the transaction that claims
the message, and puts it in the email. No table, file or log ever holds the password or link
itself."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import peewee as pw

from models.env import env_int
from models.mail.outbox import IssuedSecret
from models.portal.passwords import hash_password, temporary_password
from models.portal.tokens import (
    LINK_LIFETIME,
    PortalToken,
    cancel_open_tokens,
    new_token,
    token_hash,
)
from models.store.tables import PORTAL_ACTIVE, OutboxMessage, PortalAccount

CREDENTIAL_PASSWORD = "password"
CREDENTIAL_LINKS = {"link-activation": "activation", "link-reset": "reset"}  # credential: purpose
TEMP_HOURS_ENV = "CUSTDESK_TEMP_PASSWORD_HOURS"


def temp_password_lifetime() -> timedelta:
    """How long a mailed temporary password works: CUSTDESK_TEMP_PASSWORD_HOURS, else 72 h."""
    return timedelta(hours=env_int(TEMP_HOURS_ENV, 72, 1, 720))


def link_credential(purpose: str) -> str:
    """The credential kind of a one-time link for a purpose (activation or reset)."""
    return next(kind for kind, p in CREDENTIAL_LINKS.items() if p == purpose)


@dataclass(frozen=True)
class PreparedSecret:
    """A password or link token and its hash, made before the claim (bcrypt is slow)."""

    secret: str = field(repr=False)  # never in a traceback or a log line
    stored_hash: str = field(repr=False)


def prepare_secret(credential: str) -> PreparedSecret | None:
    """The secret a message of this credential kind needs, with its hash; None for plain mail."""
    if credential == CREDENTIAL_PASSWORD:
        password = temporary_password()
        return PreparedSecret(password, hash_password(password))
    if credential in CREDENTIAL_LINKS:
        token = new_token()
        return PreparedSecret(token, token_hash(token))
    return None


def _lifetime(credential: str) -> timedelta:
    """How long the secret of a credential kind works from the moment it is made."""
    if credential == CREDENTIAL_PASSWORD:
        return temp_password_lifetime()
    return LINK_LIFETIME[CREDENTIAL_LINKS[credential]]


def _current(message: OutboxMessage):
    """The condition: this message still carries the account's password or link, and the
    account is active and waiting for the customer to use it."""
    return (
        (PortalAccount.customer == message.customer_id)
        & (PortalAccount.credential_message == message.id)
        & (PortalAccount.status == PORTAL_ACTIVE)
        & PortalAccount.must_change_password
    )


def store_secret(
    message: OutboxMessage, prepared: PreparedSecret, now: datetime
) -> IssuedSecret | None:
    """Put a prepared secret's hash in force for the message's account, inside the transaction
    that claims the message; None when the message no longer applies (a later action replaced
    it, the account was locked, or the customer has chosen a password), and nothing changes."""
    expires_at = now + _lifetime(message.credential)
    password = message.credential == CREDENTIAL_PASSWORD
    changes: dict[pw.Field, object] = {
        PortalAccount.temp_password_expires_at: expires_at if password else None
    }
    if password:
        changes[PortalAccount.password_hash] = prepared.stored_hash
    if not PortalAccount.update(changes).where(_current(message)).execute():
        return None  # the update also holds the account row until the claim commits
    if not password:
        account_id = (
            PortalAccount.select(PortalAccount.id)
            .where(PortalAccount.customer == message.customer_id)
            .scalar()
        )
        cancel_open_tokens(account_id, now)
        PortalToken.create(
            account=account_id,
            purpose=CREDENTIAL_LINKS[message.credential],
            token_hash=prepared.stored_hash,
            created_by=f"outbox #{message.id}",
            created_at=now,
            expires_at=expires_at,
        )
    OutboxMessage.update(issued_at=now).where(OutboxMessage.id == message.id).execute()
    return IssuedSecret(prepared.secret, expires_at, message.issued_at)


def withdrawn_reason(message: OutboxMessage) -> str:
    """Why a portal email is no longer sent, for the outbox listing (read in the claim)."""
    account = (
        PortalAccount.select(
            PortalAccount.status,
            PortalAccount.credential_message,
            PortalAccount.must_change_password,
        )
        .where(PortalAccount.customer == message.customer_id)
        .first()
    )
    if account is None:
        return "withdrawn: the customer's portal account no longer exists"
    if account.credential_message != message.id:
        return "withdrawn: a later portal action replaced this email"
    if account.status != PORTAL_ACTIVE:
        return "withdrawn: the portal account was locked after this email was queued"
    return "withdrawn: the customer has already chosen a password"


class PortalSecrets:
    """The portal's passwords and links for the mail deliverer (models.mail.outbox.SecretIssuer)."""

    def prepare(self, credential: str) -> PreparedSecret | None:
        """The secret of a credential kind, with its hash (before the claim: bcrypt is slow)."""
        return prepare_secret(credential)

    def issue(
        self, message: OutboxMessage, prepared: PreparedSecret, now: datetime
    ) -> IssuedSecret | None:
        """Inside the claim: the secret in force for the message's account, or None."""
        return store_secret(message, prepared, now)

    def withdrawn_reason(self, message: OutboxMessage) -> str:
        """Why the portal email is no longer sent."""
        return withdrawn_reason(message)


PORTAL_SECRETS = PortalSecrets()
