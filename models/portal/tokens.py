"""One-time portal links: only the SHA-256 of each token is stored; each works once, then never."""

import hashlib
import secrets
from datetime import datetime, timedelta

import peewee as pw

from models.clock import utcnow
from models.store.tables import BaseModel, PortalAccount

PURPOSE_ACTIVATION = "activation"
PURPOSE_RESET = "reset"
LINK_LIFETIME = {PURPOSE_ACTIVATION: timedelta(hours=24), PURPOSE_RESET: timedelta(hours=1)}


class PortalToken(BaseModel):
    """A one-time link sent to a customer: its hash, what it is for, and whether it was used."""

    id = pw.AutoField()
    account = pw.ForeignKeyField(PortalAccount, backref="tokens", on_delete="CASCADE")
    account_id: int
    purpose = pw.CharField(max_length=16)
    token_hash = pw.CharField(max_length=64, unique=True)
    created_by = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField()
    used_at = pw.DateTimeField(null=True)
    cancelled_at = pw.DateTimeField(null=True)


class TokenRefused(Exception):
    """A link token cannot be used; the message tells the customer why."""


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cancel_open_tokens(account_id: int, now: datetime) -> int:
    """Cancel every unused link of an account; inside the write transaction. Returns how many."""
    return (
        PortalToken.update(cancelled_at=now)
        .where(
            (PortalToken.account == account_id)
            & PortalToken.used_at.is_null()
            & PortalToken.cancelled_at.is_null()
        )
        .execute()
    )


def new_token() -> str:
    """A random link token (256 bits) that never starts with '-', so a command line takes it
    as an argument, not an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def usable_token(token: str, now: datetime) -> PortalToken:
    """The stored link for a token, if it can still be used; TokenRefused says why not."""
    row = PortalToken.get_or_none(PortalToken.token_hash == token_hash(token.strip()))
    if row is None:
        raise TokenRefused(
            "This link is not valid. Check that you copied all of it, or ask us for a new one."
        )
    if row.used_at is not None:
        raise TokenRefused(
            "This link has already been used. Sign in with the password you "
            "chose, or ask us for a new link."
        )
    if row.cancelled_at is not None:
        raise TokenRefused("A newer link has been sent to you since this one: use the newest.")
    if row.expires_at <= now:
        raise TokenRefused("This link has expired. Ask us for a new one.")
    return row


def mark_used(row: PortalToken, now: datetime) -> bool:
    """Use a link once; False when another request used or cancelled it first. In a write
    transaction."""
    return bool(
        PortalToken.update(used_at=now)
        .where(
            (PortalToken.id == row.id)
            & PortalToken.used_at.is_null()
            & PortalToken.cancelled_at.is_null()
        )
        .execute()
    )
