"""The texts of the portal emails: plain, addressed by name, saying what to do and by when.
Each is a template: the deliverer fills in the password or link, when it ends, and (when an
earlier try may have reached the customer) that this email replaces it."""

import textwrap
from dataclasses import dataclass
from datetime import timedelta

from models.mail.outbox import (
    EXPIRES_PLACEHOLDER,
    REPLACES_PLACEHOLDER,
    SECRET_PLACEHOLDER,
    literal,
)
from models.portal.passwords import MIN_PASSWORD_CHARS

KIND_ACTIVATION = "activation"
KIND_RESET = "reset"
SUBJECTS = {
    KIND_ACTIVATION: "Your customer portal account is ready",
    KIND_RESET: "Your customer portal password has been reset",
}
OPENINGS = {
    KIND_ACTIVATION: "You can now sign in to our customer portal.",
    KIND_RESET: (
        "Your customer portal password has been reset and your account is unlocked. "
        "Your previous password no longer works."
    ),
}
CLOSING = "If you did not expect this email, please reply to it and let us know."
LINE_WIDTH = 72


@dataclass(frozen=True)
class EmailDraft:
    """An email ready for the outbox: its body is a template the deliverer fills in."""

    subject: str
    body_template: str


def one_line(text: str) -> str:
    """Text squeezed onto one line: control characters and runs of space become one space."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _paragraph(text: str) -> str:
    """A paragraph wrapped to a comfortable width for plain-text mail."""
    return textwrap.fill(text, LINE_WIDTH, break_long_words=False, break_on_hyphens=False)


def _password_part(email: str) -> list[str]:
    """The lines that give a temporary password."""
    return [
        f"  Email:              {literal(email)}",
        f"  Temporary password: {SECRET_PLACEHOLDER}",
        "",
        _paragraph(
            f"The temporary password works for one sign-in, until {EXPIRES_PLACEHOLDER}. "
            f"When you sign in you will choose your own password (at least "
            f"{MIN_PASSWORD_CHARS} characters); the temporary one then stops working."
        ),
    ]


def _link_part(portal_url: str) -> list[str]:
    """The lines that give a one-time link."""
    return [
        _paragraph(f"To choose your password, open this link before {EXPIRES_PLACEHOLDER}:"),
        "",
        f"  {literal(portal_url.rstrip('/'))}/activate?token={SECRET_PLACEHOLDER}",
        "",
        "The link works once. If it has expired, ask us for a new one.",
    ]


def portal_email(kind: str, name: str, email: str, portal_url: str = "") -> EmailDraft:
    """The activation or reset email for one customer: a temporary password, or a one-time link
    when a portal address is configured."""
    greeting = f"Hello {literal(one_line(name))}," if one_line(name) else "Hello,"
    part = _link_part(portal_url) if portal_url else _password_part(email)
    lines = [
        greeting,
        "",
        _paragraph(OPENINGS[kind]),
        "",
        REPLACES_PLACEHOLDER + "\n".join(part),
        "",
        _paragraph(CLOSING),
        "",
    ]
    return EmailDraft(SUBJECTS[kind], "\n".join(lines))


def hours(lifetime: timedelta) -> str:
    """A lifetime in hours, for people."""
    count = int(lifetime.total_seconds() // 3600)
    return f"{count} hour" + ("" if count == 1 else "s")


SIGN_IN_MOVED_SUBJECT = "Your customer portal sign-in email has changed"


def sign_in_moved_email(name: str, old_email: str, new_email: str, to_old: bool) -> tuple[str, str]:
    """The notice that the portal sign-in moved from `old_email` to `new_email`, for the old
    address (`to_old`) or the new one: (subject, body template). It carries no secret."""
    greeting = f"Hello {literal(one_line(name))}," if one_line(name) else "Hello,"
    if to_old:
        news = (
            f"You now sign in to our customer portal with {new_email} instead of this "
            "address, which no longer works for signing in. Your password is unchanged."
        )
    else:
        news = (
            f"You now sign in to our customer portal with this address instead of "
            f"{old_email}. Your password is unchanged."
        )
    lines = [greeting, "", literal(_paragraph(news)), "", _paragraph(CLOSING), ""]
    return SIGN_IN_MOVED_SUBJECT, "\n".join(lines)
