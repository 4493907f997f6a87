"""Mail delivery: the mail URL, and handing one message to an SMTP server or a Maildir."""

import ipaddress
import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

SMTP_TIMEOUT = 30  # seconds; well inside the outbox's claim lease
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
STARTTLS_PORT = 587
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class MailConfigError(ValueError):
    """The mail URL or sender cannot be used; the message says why (never with a password)."""


class DeliveryError(Exception):
    """A message was not delivered; `permanent` says whether trying again could help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class MailConfig:
    """Where mail goes, parsed from the mail URL, and who it is from."""

    scheme: str  # smtp | smtps | maildir
    sender: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""
    starttls: bool = False
    path: str = ""

    @property
    def is_maildir(self) -> bool:
        """Whether mail is saved to a local Maildir rather than sent to a server."""
        return self.scheme == "maildir"

    def describe(self) -> str:
        """Where mail goes, for people: never shows the SMTP password."""
        if self.is_maildir:
            return f"the Maildir {self.path}"
        login = f"{self.username}@" if self.username else ""
        tls = " with STARTTLS" if self.starttls else " over TLS" if self.scheme == "smtps" else ""
        return f"the mail server {login}{self.host}:{self.port}{tls}"


def _flag(value: str) -> bool:
    """A yes/no query value."""
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise MailConfigError(f"starttls must be 1 or 0 (it is {value!r}).")


def is_loopback(host: str) -> bool:
    """Whether a host name or address stays on this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_login_is_private(scheme: str, host: str, username: str, starttls: bool) -> None:
    """An SMTP login (and the mail after it) never crosses the network in the clear."""
    if username and scheme == "smtp" and not starttls and not is_loopback(host):
        raise MailConfigError(
            f"The mail URL smtp://…@{host} would send the SMTP login and every email (temporary "
            f"passwords included) unencrypted: add ?starttls=1 or use smtps:// (a login without "
            f"TLS is allowed only to this machine: localhost, 127.0.0.1, ::1)."
        )


def _parse_smtp(url: str, sender: str) -> MailConfig:
    """An smtp:// or smtps:// URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = f"{scheme}://{parts.hostname or ''}"
    if not parts.hostname:
        raise MailConfigError(f"The mail URL {shown} names no host: use {scheme}://host:port.")
    try:
        port = parts.port
    except ValueError as error:
        raise MailConfigError(f"The mail URL for {parts.hostname} has a bad port.") from error
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - {"starttls"})
    if unknown:
        raise MailConfigError(f"Unknown mail URL option {unknown[0]!r}: only starttls=1 is known.")
    starttls = _flag(options.get("starttls", "0"))
    if starttls and scheme == "smtps":
        raise MailConfigError("smtps:// is TLS from the start; starttls=1 is for smtp:// only.")
    username = unquote(parts.username or "")
    _check_login_is_private(scheme, parts.hostname, username, starttls)
    return MailConfig(
        scheme=scheme,
        sender=sender,
        host=parts.hostname,
        port=port or (STARTTLS_PORT if starttls else DEFAULT_PORTS[scheme]),
        username=username,
        password=unquote(parts.password or ""),
        starttls=starttls,
    )


def _parse_maildir(url: str, sender: str) -> MailConfig:
    """A maildir:PATH URL (maildir:///abs/path is accepted too)."""
    path = url[len("maildir:") :]
    path = path.removeprefix("//")
    if not path:
        raise MailConfigError("The mail URL maildir: names no folder: use maildir:PATH.")
    return MailConfig(scheme="maildir", sender=sender, path=str(Path(path).expanduser()))


def _check_sender(sender: str) -> None:
    """The sender must be one address, with an optional display name."""
    _, address = parseaddr(sender)
    if "@" not in address or any(char in sender for char in "\r\n"):
        raise MailConfigError(
            f"The sender {sender!r} is not an email address "
            "(set CUSTDESK_MAIL_FROM, e.g. 'Shop <desk@shop.example>')."
        )


def parse_mail_url(url: str, sender: str) -> MailConfig:
    """The mail configuration a URL names: smtp://[user:pass@]host:port[?starttls=1],
    smtps://…, or maildir:PATH."""
    _check_sender(sender)
    scheme = url.split(":", 1)[0].lower()
    if scheme in DEFAULT_PORTS and url[len(scheme) :].startswith("://"):
        return _parse_smtp(url, sender)
    if scheme == "maildir":
        return _parse_maildir(url, sender)
    raise MailConfigError(
        f"Unknown mail URL scheme {scheme!r}: use smtp://host:port, "
        "smtps://host:port or maildir:PATH."
    )


def new_message_id(sender: str) -> str:
    """A Message-ID for a new message, in the sender's domain; fixed for every delivery attempt."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "custdesk.invalid"
    return make_msgid(domain=domain)


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its ASCII (punycode) form, which every
    server takes; a local part that is not ASCII still needs a server offering SMTPUTF8."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError as error:
        raise DeliveryError(
            f"The recipient's domain {domain!r} has no ASCII form, so it "
            "cannot be sent; correct the address and do the action again.",
            permanent=True,
        ) from error


def build_message(
    config: MailConfig, to_address: str, subject: str, body: str, message_id: str
) -> EmailMessage:
    """A plain-text email with a fixed Message-ID, so a repeated delivery is recognisable.
    A recipient or subject with a line break or other control character can never be sent:
    DeliveryError, permanent."""
    for what, value in (("recipient address", to_address), ("subject", subject)):
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise DeliveryError(
                f"The {what} {value!r} contains a line break or control "
                "character, so it cannot be sent; correct it and do the "
                "action again.",
                permanent=True,
            )
    to_address = ascii_domain(to_address)
    message = EmailMessage()
    display, address = parseaddr(config.sender)
    message["From"] = Address(display_name=display, addr_spec=address)
    try:
        message["To"] = to_address
    except ValueError as error:  # a malformed address the header parser cannot take
        raise DeliveryError(
            f"The recipient address {to_address!r} cannot be put in an email: {error}",
            permanent=True,
        ) from error
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(body)
    return message


def _permanent_recipients(error: smtplib.SMTPRecipientsRefused) -> bool:
    """Whether every refused recipient was refused for good (a 5xx reply)."""
    return all(code >= 500 for code, _ in error.recipients.values())


def _reply_text(reply: object) -> str:
    """An SMTP reply as text."""
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _send_smtp(config: MailConfig, message: EmailMessage) -> smtplib.SMTP:
    """Hand a message to an SMTP server; returns the open connection once the server has
    accepted the message's data (250 after DATA), for `_say_goodbye`."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.scheme == "smtps":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
    try:
        if config.starttls:
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password)
        client.send_message(message)
    except BaseException:
        client.close()
        raise
    return client


def _say_goodbye(client: smtplib.SMTP, where: str) -> str:
    """QUIT after the message was accepted. It is delivered whatever happens here, so a failure
    is only noted (returned as text), never a reason to send it again."""
    try:
        code, reply = client.quit()
    except (smtplib.SMTPException, OSError) as error:
        return (
            f"{where} accepted the message, then failed at QUIT: "
            f"{str(error) or type(error).__name__}"
        )
    finally:
        client.close()
    if code != 221:
        return f"{where} accepted the message, then answered QUIT with {code} {_reply_text(reply)}"
    return ""


def _deliver_smtp(config: MailConfig, message: EmailMessage) -> str:
    """Send over SMTP, turning every failure before acceptance into a DeliveryError that says
    what happened; returns a note on anything that went wrong after acceptance, or ''."""
    where = f"{config.host}:{config.port}"
    try:
        client = _send_smtp(config, message)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise DeliveryError(
            f"{where} refused the recipient: {code} {_reply_text(reply)}",
            permanent=_permanent_recipients(error),
        ) from error
    except smtplib.SMTPDataError as error:
        raise DeliveryError(
            f"{where} refused the message: {error.smtp_code} {_reply_text(error.smtp_error)}",
            permanent=error.smtp_code >= 500,
        ) from error
    except smtplib.SMTPNotSupportedError as error:  # an address only SMTPUTF8 can carry
        raise DeliveryError(
            f"{where} does not offer SMTPUTF8, which the recipient's address needs: {error}",
            permanent=True,
        ) from error
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"{where} refused the login for {config.username}: "
            f"{error.smtp_code} {_reply_text(error.smtp_error)}"
        ) from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"{where} answered {error.smtp_code} {_reply_text(error.smtp_error)}"
        ) from error
    except smtplib.SMTPException as error:
        raise DeliveryError(f"{where}: {error}") from error
    except ConnectionRefusedError as error:
        raise DeliveryError(
            f"{where} refused the connection (is the mail server running?)"
        ) from error
    except TimeoutError as error:
        raise DeliveryError(f"{where} did not answer within {SMTP_TIMEOUT} s") from error
    except ssl.SSLError as error:
        raise DeliveryError(f"TLS with {where} failed: {error.reason or error}") from error
    except OSError as error:
        raise DeliveryError(f"Cannot reach {where}: {error.strerror or error}") from error
    return _say_goodbye(client, where)


def _deliver_maildir(config: MailConfig, message: EmailMessage) -> None:
    """Save a message in the Maildir, creating it (private to this user) if needed."""
    try:
        Path(config.path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        mailbox.Maildir(config.path, create=True).add(message)
    except OSError as error:
        raise DeliveryError(
            f"Cannot save to the Maildir {config.path}: {error.strerror or error}"
        ) from error


def deliver(config: MailConfig, message: EmailMessage) -> str:
    """Deliver one message as the configuration says; DeliveryError when it did not go.

    Delivered means the server accepted the data (250 after DATA) or the Maildir holds it; the
    returned note says what failed after that (e.g. at QUIT), '' when nothing did."""
    if config.is_maildir:
        _deliver_maildir(config, message)
        return ""
    return _deliver_smtp(config, message)
