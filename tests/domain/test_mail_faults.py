"""Delivery counts once: a message is delivered when the SMTP server accepts its data (250 after
DATA); every fault before that is retried or given up, nothing after it sends it again. Each
fault is a real aiosmtpd server on loopback, on both engines."""

import pytest
from support.portal import (
    SENDER,
    RecordingHandler,
    SmtpServer,
)

from models.mail.outbox import enqueue, waiting_messages
from models.mail.smtp import parse_mail_url
from models.portal.delivery import deliver_waiting
from models.store.engine import write_transaction
from models.store.tables import OutboxMessage
from tui.cli import main


class FaultyHandler(RecordingHandler):
    """A recording handler that can also drop the connection at RCPT, or misbehave at QUIT
    after it has accepted the message."""

    def __init__(self, fault: str):
        super().__init__()
        self.fault = fault

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Drop the connection before DATA when told to."""
        if self.fault == "drop before DATA":
            server.transport.abort()
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_QUIT(self, server, session, envelope):
        """Answer QUIT with an error, or drop the connection, when told to."""
        if self.fault == "421 at QUIT":
            return "421 Service not available, closing channel"
        if self.fault == "drop at QUIT":
            server.transport.abort()
        return "221 Bye"


def faulty_server(fault: str) -> SmtpServer:
    """A running server with the fault; `rcpt_reply`/`data_reply` set the refusals."""
    server = SmtpServer()
    server.handler = FaultyHandler(fault)
    if fault.startswith(("550", "450")):
        server.handler.rcpt_reply = f"{fault.split()[0]} Mailbox unavailable"
    if fault == "451 at DATA":
        server.handler.data_reply = "451 Try again later"
    return server.start()


def queue_one() -> int:
    """One plain message in the outbox; returns its id."""
    with write_transaction():
        return enqueue(None, "jo@example.com", "Hello", "Body", SENDER).id


def flush(server: SmtpServer):
    """One delivery run of every waiting message, due or not."""
    return deliver_waiting(parse_mail_url(server.url, SENDER), due_only=False)


@pytest.mark.parametrize("fault", ["450 at RCPT", "451 at DATA", "drop before DATA"])
def test_a_fault_before_acceptance_is_retried_and_then_sent_once(db, fault):
    server = faulty_server(fault)
    try:
        outbox_id = queue_one()
        [outcome] = flush(server).outcomes
        assert not outcome.sent and not outcome.gave_up and outcome.error
        stored = OutboxMessage.get_by_id(outbox_id)
        assert stored.status == "pending" and stored.attempts == 1
        assert server.handler.messages == []
        server.handler.fault = server.handler.rcpt_reply = server.handler.data_reply = ""
        assert [o.sent for o in flush(server).outcomes] == [True]
        assert flush(server).outcomes == []
    finally:
        server.stop()
    assert len(server.handler.messages) == 1


def test_a_refusal_at_rcpt_is_given_up_and_never_sent(db):
    server = faulty_server("550 at RCPT")
    try:
        outbox_id = queue_one()
        [outcome] = flush(server).outcomes
        assert outcome.gave_up and "550 Mailbox unavailable" in outcome.error
        assert flush(server).outcomes == []
    finally:
        server.stop()
    assert OutboxMessage.get_by_id(outbox_id).status == "failed"
    assert server.handler.messages == []


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("421 at QUIT", "answered QUIT with 421"),
        ("drop at QUIT", "failed at QUIT"),
    ],
)
def test_a_failure_after_acceptance_never_sends_again(db, fault, said):
    server = faulty_server(fault)
    try:
        outbox_id = queue_one()
        for _ in range(3):
            flush(server)
    finally:
        server.stop()
    assert len(server.handler.messages) == 1
    stored = OutboxMessage.get_by_id(outbox_id)
    assert stored.status == "sent" and stored.attempts == 1 and said in stored.last_error
    assert waiting_messages() == []


def test_flush_through_the_command_line_sends_one_copy_and_says_what_failed(db, db_url, capsys):
    server = faulty_server("421 at QUIT")
    try:
        queue_one()
        assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 0
        first = capsys.readouterr()
        assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 0
        second = capsys.readouterr()
    finally:
        server.stop()
    assert len(server.handler.messages) == 1
    assert "Delivered 1 message(s)" in first.out
    assert "not to be sent again, but: " in first.out and "answered QUIT with 421" in first.out
    assert second.out.strip() == "Nothing to deliver." and first.err == second.err == ""


def test_a_line_break_in_the_recipient_is_one_line_and_given_up(db, db_url, capsys):
    server = SmtpServer().start()
    try:
        with write_transaction():
            bad = enqueue(
                None, "jo@example.com\r\nBcc: evil@example.com", "Hello", "Body", SENDER
            ).id
            good = enqueue(None, "ann@example.com", "Hello", "Body", SENDER).id
        assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 1
        done = capsys.readouterr()
    finally:
        server.stop()
    assert done.err == "" and "Traceback" not in done.out
    [given_up] = [line for line in done.out.splitlines() if line.startswith("Given up on")]
    assert f"(#{bad})" in given_up and "contains a line break or control character" in given_up
    assert "\r" not in done.out
    stored = OutboxMessage.get_by_id(bad)
    assert stored.status == "failed" and "line break" in stored.last_error
    assert OutboxMessage.get_by_id(good).status == "sent"
    assert [m["To"] for m in server.handler.messages] == ["ann@example.com"]
