"""Mail URLs, and the outbox delivering to a real SMTP server on loopback (aiosmtpd) or a Maildir:
exactly once, retried when the server is down, given up when it refuses, scrubbed after."""

import io
import mailbox
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from support.portal import (
    SENDER,
    SmtpServer,
    desk,
    make_customer,
    password_in,
    seen,
)

from models.clock import utcnow
from models.mail.outbox import backoff, enqueue, literal, waiting_messages
from models.mail.smtp import MailConfigError, parse_mail_url
from models.portal.actions import PortalActionRefused, send_activation
from models.portal.delivery import deliver_message, deliver_waiting
from models.portal.service import perform_action
from models.store.db import database
from models.store.engine import write_transaction
from models.store.tables import AuditEvent, OutboxMessage, PortalAccount
from tui.cli import main
from tui.settings import at_the_desk, default_mail_url, resolve_settings


@pytest.fixture
def smtp():
    """A running SMTP server on a free loopback port, stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


def config_for(url: str):
    """The mail configuration for a URL, with the test sender."""
    return parse_mail_url(url, SENDER)


def queued_activation(email: str = "jo@example.com") -> int:
    """A new customer's activation email, queued and not delivered; returns its outbox id."""
    customer_id = make_customer(email)
    return send_activation(customer_id, desk(), expected_version=0, sender=SENDER).outbox_id


def queue_plain(count: int) -> list[int]:
    """Queue `count` messages without secrets; returns their outbox ids."""
    with write_transaction():
        return [
            enqueue(None, f"c{i}@example.com", f"Note {i}", f"Body {i}", SENDER).id
            for i in range(count)
        ]


# ------------------------------------------------------------------ mail URLs


def test_mail_urls_parse():
    plain = config_for("smtp://mail.example:2525")
    assert (plain.scheme, plain.host, plain.port, plain.starttls) == (
        "smtp",
        "mail.example",
        2525,
        False,
    )
    tls = config_for("smtp://desk%40shop:p%40ss@mail.example?starttls=1")
    assert (tls.port, tls.starttls, tls.username, tls.password) == (587, True, "desk@shop", "p@ss")
    assert config_for("smtps://mail.example").port == 465
    assert config_for("maildir:/var/mail/desk").path == "/var/mail/desk"
    assert config_for("maildir:///var/mail/desk").path == "/var/mail/desk"


def test_describing_a_mail_url_never_shows_the_password():
    text = config_for("smtps://desk:s3cret-pw@mail.example:465").describe()
    assert "s3cret-pw" not in text and "desk@mail.example:465" in text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://:25", "names no host"),
        ("imap://mail.example", "Unknown mail URL scheme 'imap'"),
        ("smtp://mail.example?starttls=maybe", "starttls must be 1 or 0"),
        ("smtps://mail.example?starttls=1", "starttls=1 is for smtp:// only"),
        ("smtp://mail.example?tls=1", "Unknown mail URL option 'tls'"),
        ("smtp://mail.example:notaport", "bad port"),
        ("maildir:", "names no folder"),
    ],
)
def test_bad_mail_urls_are_explained(url, message):
    with pytest.raises(MailConfigError, match=message):
        config_for(url)


@pytest.mark.parametrize(
    "url",
    [
        "smtp://desk:hunter2-secret@mail.example:25",
        "smtp://desk:hunter2-secret@mail.example:587?starttls=0",
        "smtp://desk:hunter2-secret@192.0.2.7:25",
        "smtp://desk:hunter2-secret@localhost.example:25",
    ],
)
def test_an_smtp_login_without_tls_is_refused_in_one_line(url):
    with pytest.raises(MailConfigError) as caught:
        config_for(url)
    text = str(caught.value)
    assert "would send the SMTP login and every email" in text and "?starttls=1" in text
    assert "\n" not in text and "hunter2-secret" not in text and "desk" not in text


@pytest.mark.parametrize(
    "url",
    [
        "smtp://desk:pw@mail.example?starttls=1",
        "smtps://desk:pw@mail.example",
        "smtp://desk:pw@localhost:25",
        "smtp://desk:pw@127.0.0.1:25",
        "smtp://desk:pw@127.8.9.10:25",
        "smtp://desk:pw@[::1]:25",
        "smtp://mail.example:25",
    ],
)
def test_a_login_over_tls_or_to_this_machine_or_no_login_is_accepted(url):
    assert config_for(url).host


def test_an_smtp_login_without_tls_is_refused_by_the_command_line(db, db_url, capsys):
    assert main(["--db", db_url, "--mail", "smtp://desk:pw@mail.example", "outbox"]) == 2
    warning, refusal = capsys.readouterr().err.splitlines()  # the warning: `ps` shows the URL
    assert warning.startswith("custdesk: warning: the password in --mail is visible")
    assert refusal.startswith(
        "custdesk: The mail URL smtp://…@mail.example would send the SMTP login"
    )
    assert "Traceback" not in refusal and "pw" not in warning + refusal


def test_bad_password_in_url_never_appears_in_the_error():
    with pytest.raises(MailConfigError) as caught:
        config_for("smtp://desk:hunter2-secret@mail.example?starttls=perhaps")
    assert "hunter2-secret" not in str(caught.value)


@pytest.mark.parametrize("sender", ["nobody", "a@b.example\r\nBcc: evil@example.com"])
def test_a_bad_sender_is_refused(sender):
    with pytest.raises(MailConfigError, match="CUSTDESK_MAIL_FROM"):
        parse_mail_url("maildir:/tmp/x", sender)


# ------------------------------------------------------------------ real SMTP


def test_activation_email_arrives_and_its_password_signs_in(db, db_url, smtp, monkeypatch, capsys):
    outbox_id = queued_activation()
    outcome = deliver_message(outbox_id, config_for(smtp.url))
    assert outcome.sent
    [received] = smtp.handler.messages
    stored = OutboxMessage.get_by_id(outbox_id)
    assert received["Message-ID"] == stored.message_id
    assert received["To"] == "jo@example.com" and received["From"] == SENDER
    assert received["Subject"] == "Your customer portal account is ready"
    assert "Hello Jo Bloggs," in received.get_content()
    password = password_in(received)
    assert stored.status == "sent" and stored.sent_at is not None
    assert password not in stored.body
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\ncorrect horse battery\n"))
    assert main(["--db", db_url, "portal-login", "jo@example.com", "--new-password"]) == 0
    assert "Signed in." in capsys.readouterr().out


def test_server_down_keeps_the_message_then_delivers_it_exactly_once(db, smtp):
    smtp.stop()
    customer_id = make_customer()
    report = perform_action(
        "send_activation",
        customer_id,
        staff=desk(),
        expected_version=0,
        mail_url=smtp.url,
        sender=SENDER,
    )
    assert not report.delivered and "refused the connection" in report.problem
    message = OutboxMessage.get()
    assert message.status == "pending" and message.attempts == 1
    assert timedelta(seconds=25) < message.next_attempt_at - utcnow() <= timedelta(seconds=30)
    [waiting] = waiting_messages()
    assert "attempt 1 failed" in waiting.reason and "refused the connection" in waiting.reason
    assert deliver_waiting(config_for(smtp.url)).outcomes == []  # not due yet: backoff
    smtp.start()
    report = deliver_waiting(config_for(smtp.url), due_only=False)
    assert [o.sent for o in report.outcomes] == [True]
    assert deliver_waiting(config_for(smtp.url), due_only=False).outcomes == []
    assert len(smtp.handler.messages) == 1
    assert OutboxMessage.get().status == "sent" and waiting_messages() == []


def test_a_temporary_refusal_is_retried(db, smtp):
    smtp.handler.data_reply = "451 Try again later"
    [outbox_id] = queue_plain(1)
    outcome = deliver_message(outbox_id, config_for(smtp.url))
    assert not outcome.sent and not outcome.gave_up and "451" in outcome.error
    smtp.handler.data_reply = ""
    assert deliver_message(outbox_id, config_for(smtp.url)).sent


def test_a_permanent_refusal_is_flagged(db, smtp):
    smtp.handler.rcpt_reply = "550 No such user here"
    outbox_id = queued_activation()
    outcome = deliver_message(outbox_id, config_for(smtp.url))
    assert outcome.gave_up and "550 No such user here" in outcome.error
    assert OutboxMessage.get_by_id(outbox_id).status == "failed"
    [waiting] = waiting_messages()
    assert waiting.reason.startswith("gave up after 1 attempt(s): ")
    assert deliver_waiting(config_for(smtp.url), due_only=False).outcomes == []


def test_attempts_are_limited(db, smtp, monkeypatch):
    monkeypatch.setenv("CUSTDESK_MAIL_MAX_ATTEMPTS", "2")
    smtp.stop()
    [outbox_id] = queue_plain(1)
    assert not deliver_message(outbox_id, config_for(smtp.url)).gave_up
    assert deliver_message(outbox_id, config_for(smtp.url)).gave_up
    assert OutboxMessage.get_by_id(outbox_id).status == "failed"


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 8)] == [30, 60, 120, 3600]
    assert backoff(30) == timedelta(hours=1)


def test_an_expired_password_is_not_sent_late(db, smtp):
    queued_activation()
    OutboxMessage.update(discard_after=utcnow() - timedelta(seconds=1)).execute()
    report = deliver_waiting(config_for(smtp.url))
    assert report.gave_up and "not delivered in time" in report.gave_up[0].error.lower()
    assert smtp.handler.messages == [] and PortalAccount.get().password_hash == ""


def test_a_message_held_by_another_deliverer_waits_for_its_lease(db, smtp):
    [outbox_id] = queue_plain(1)
    OutboxMessage.update(
        claimed_by="other:1:abc", claimed_until=utcnow() + timedelta(minutes=5)
    ).execute()
    assert deliver_message(outbox_id, config_for(smtp.url)) is None
    assert "being delivered now by other:1:abc" in waiting_messages()[0].reason
    OutboxMessage.update(claimed_until=utcnow() - timedelta(seconds=1)).execute()  # it died
    assert deliver_message(outbox_id, config_for(smtp.url)).sent
    assert len(smtp.handler.messages) == 1


def test_two_deliverers_never_send_a_message_twice(db, smtp):
    ids = queue_plain(40)
    config = config_for(smtp.url)

    counts: list[int] = []

    def deliverer() -> None:
        with database.connection_context():
            counts.append(len(deliver_waiting(config, due_only=False).sent))

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids_received = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(ids_received) == len(set(ids_received)) == 40
    assert sum(counts) == 40 and min(counts) > 0  # both delivered, neither twice
    assert OutboxMessage.select().where(OutboxMessage.status == "sent").count() == len(ids)


def test_a_dollar_in_customer_text_stays_a_dollar(db, smtp):
    with write_transaction():
        enqueue(None, "c@example.com", "Price", literal("Costs $5 and ${secret};"), SENDER)
    assert deliver_waiting(config_for(smtp.url)).sent
    assert smtp.handler.messages[0].get_content().strip() == "Costs $5 and ${secret};"


# ------------------------------------------------------------------ Maildir


def test_the_default_maildir_works_on_a_fresh_machine(db, tmp_path):
    settings = at_the_desk(resolve_settings(None, None, False))
    assert settings.mail_url == default_mail_url() == f"maildir:{tmp_path / 'data' / 'mail'}"
    customer_id = make_customer()
    report = perform_action(
        "send_activation",
        customer_id,
        staff=desk(),
        expected_version=0,
        mail_url=settings.mail_url,
        sender=settings.mail_from,
    )
    assert report.delivered and report.to_maildir
    [path] = list((tmp_path / "data" / "mail" / "new").iterdir())
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert email["To"] == "jo@example.com" and password_in(email)
    assert len(mailbox.Maildir(str(tmp_path / "data" / "mail"))) == 1


def test_an_unwritable_maildir_keeps_the_message(db, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the Maildir should be")
    [outbox_id] = queue_plain(1)
    outcome = deliver_message(outbox_id, config_for(f"maildir:{blocker}"))
    assert not outcome.sent and "Cannot save to the Maildir" in outcome.error
    assert OutboxMessage.get_by_id(outbox_id).status == "pending"


def test_the_state_change_and_the_outbox_row_are_one_transaction(db, monkeypatch):
    customer_id = make_customer()
    OutboxMessage.insert(
        message_id="<taken@shop.example>", to_address="x@example.com", subject="s", body="b"
    ).execute()
    monkeypatch.setattr("models.mail.outbox.new_message_id", lambda sender: "<taken@shop.example>")
    with pytest.raises(PortalActionRefused):
        send_activation(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    assert not PortalAccount.select().exists()  # rolled back with the failed outbox row
    assert not AuditEvent.select().where(AuditEvent.action == "portal_send_activation").exists()
