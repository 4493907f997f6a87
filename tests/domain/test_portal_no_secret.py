"""No secret at rest: a temporary password or link token exists only in the email. After every
portal flow, with the mail server refusing for now (the message queued) and then accepting,
every database file (SQLite main, -wal, -shm, journal) and every PostgreSQL table's text, and
the error log, are searched for the secret taken from the email."""

import re
import uuid
from pathlib import Path

import psycopg2
import pytest
from support.pg import PG_URL
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    RecordingHandler,
    SmtpServer,
    desk,
    make_customer,
    secret_in,
    seen,
)

from models.clock import utcnow
from models.mail.smtp import parse_mail_url
from models.portal.actions import ACTION_LOCK, ACTION_RESET, ACTION_SEND, send_activation
from models.portal.delivery import deliver_message, deliver_waiting
from models.portal.passwords import TEMP_ALPHABET
from models.portal.service import perform_action
from models.portal.signin import activate_with_link, sign_in
from models.store.db import close_database, database, is_sqlite, open_database
from models.store.engine import write_transaction
from models.store.tables import OutboxMessage, PortalAccount, Staff
from models.store.upgrade import setup_database
from tui.cli import main

PORTAL_URL = "https://portal.shop.example"
TEMP_PASSWORD = re.compile(rf"[{TEMP_ALPHABET}]{{4}}(?:-[{TEMP_ALPHABET}]{{4}}){{3}}".encode())


class RefusingFirst(RecordingHandler):
    """A server that reads each message, then refuses the first `refusals` with 451 (try again
    later): the test learns the secret of an attempt that left the message queued."""

    def __init__(self, refusals: int):
        super().__init__()
        self.refusals = refusals
        self.refused: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        """Keep a copy; refuse for now while refusals remain."""
        if self.refusals:
            self.refusals -= 1
            self.refused.append(envelope.original_content)
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


def _secret_of_raw(raw: bytes) -> str:
    """The password or token in a raw email."""
    from email import message_from_bytes, policy

    return secret_in(message_from_bytes(raw, policy=policy.default))


def _database_files() -> list[Path]:
    """Every file of the open SQLite database: main, -wal, -shm, -journal (those that exist)."""
    main_file = Path(database.obj.database)
    return [
        path
        for path in (
            main_file,
            *(Path(f"{main_file}{suffix}") for suffix in ("-wal", "-shm", "-journal")),
        )
        if path.exists()
    ]


def _pg_tables_text() -> str:
    """Every row of every table in the test's schema, as text."""
    tables = [
        row[0]
        for row in database.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    ]
    return "\n".join(
        str(row[0])
        for table in tables
        for row in database.execute_sql(f'SELECT t::text FROM "{table}" t').fetchall()
    )


def assert_nowhere_at_rest(*secrets: str) -> None:
    """None of the secrets is in any database file (the -wal read before any checkpoint), any
    PostgreSQL table or the error log, and no temporary-password-shaped text is either."""
    stores: dict[str, bytes] = {}
    if is_sqlite():
        for path in _database_files():
            stores[path.name] = path.read_bytes()
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        stores["main after checkpoint"] = _database_files()[0].read_bytes()
    else:
        stores["tables"] = _pg_tables_text().encode()
    log = Path(database_data_dir(), "custdesk.log")
    if log.exists():
        stores["error log"] = log.read_bytes()
    assert stores
    for name, content in stores.items():
        for secret in secrets:
            assert secret.encode() not in content, f"a secret is in {name}"
        assert not TEMP_PASSWORD.search(content), f"a temporary password is in {name}"


def database_data_dir() -> Path:
    """The data folder of the test (a temporary folder)."""
    import os

    return Path(os.environ["CUSTDESK_DATA_DIR"])


def _act(action: str, customer_id: int, mail_url: str, portal_url: str = ""):
    return perform_action(
        action,
        customer_id,
        staff=desk(),
        expected_version=seen(customer_id),
        mail_url=mail_url,
        sender=SENDER,
        portal_url=portal_url,
        reason="tests",
        resend=True,
    )


@pytest.mark.parametrize("portal_url", ["", PORTAL_URL], ids=["password", "link"])
def test_no_secret_at_rest_queued_then_delivered(db, portal_url):
    server = SmtpServer()
    server.handler = RefusingFirst(refusals=0)
    server.start()
    try:
        customer_id = make_customer()
        secrets = []
        for action in (ACTION_SEND, ACTION_LOCK, ACTION_RESET):
            server.handler.refusals = 1
            report = _act(action, customer_id, server.url, portal_url)
            if action == ACTION_LOCK:
                continue
            assert not report.delivered and "451" in report.problem  # queued
            queued = _secret_of_raw(server.handler.refused[-1])
            secrets.append(queued)
            assert_nowhere_at_rest(*secrets)  # while queued: the tried secret is nowhere
            assert deliver_waiting(parse_mail_url(server.url, SENDER), due_only=False).sent
            secrets.append(secret_in(server.handler.messages[-1]))
            assert_nowhere_at_rest(*secrets)  # delivered: nowhere either
        working = secrets[-1]
        if portal_url:
            assert activate_with_link(working, NEW_PASSWORD).accepted
        else:
            assert sign_in("jo@example.com", working, NEW_PASSWORD).accepted
        assert not sign_in("jo@example.com", secrets[-2], "another new password x1").accepted
        assert_nowhere_at_rest(*secrets)
    finally:
        server.stop()


def test_no_secret_with_the_server_down_then_up_through_the_command_line(db, db_url, capsys):
    server = SmtpServer()  # not started: connections are refused
    customer_id = make_customer()
    report = _act(ACTION_SEND, customer_id, server.url)
    assert not report.delivered and "refused the connection" in report.problem
    assert PortalAccount.get().password_hash.startswith("$2b$")  # that try's hash, no password
    assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 1
    assert_nowhere_at_rest()
    server.start()
    try:
        assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 0
    finally:
        server.stop()
    capsys.readouterr()
    [email] = server.handler.messages
    assert_nowhere_at_rest(secret_in(email))
    assert "replaces" not in email.get_content()  # no earlier try can have reached them


def test_a_crash_after_acceptance_resends_once_and_the_later_email_works(db, monkeypatch):
    server = SmtpServer().start()
    try:
        config = parse_mail_url(server.url, SENDER)
        customer_id = make_customer()
        outbox_id = send_activation(
            customer_id, desk(), expected_version=0, sender=SENDER
        ).outbox_id
        with monkeypatch.context() as patch, pytest.raises(_Crashed):
            patch.setattr("models.mail.outbox._finish", _crash)
            deliver_message(outbox_id, config)  # accepted by the server, then the deliverer dies
        assert deliver_message(outbox_id, config) is None  # its lease still holds it
        OutboxMessage.update(claimed_until=utcnow()).execute()  # the lease runs out
        assert deliver_message(outbox_id, config).sent
        assert deliver_message(outbox_id, config) is None  # sent: never again
        first, second = server.handler.messages
        assert first["Message-ID"] == second["Message-ID"]
        assert "replaces the one we tried to send you at" in second.get_content()
        assert "Only this newest one does." in " ".join(second.get_content().split())
        assert not sign_in("jo@example.com", secret_in(first), NEW_PASSWORD).accepted
        assert sign_in("jo@example.com", secret_in(second), NEW_PASSWORD).accepted
        assert_nowhere_at_rest(secret_in(first), secret_in(second))
    finally:
        server.stop()


class _Crashed(Exception):
    """The deliverer process dying right after the server accepted the message."""


def _crash(*args, **kwargs):
    raise _Crashed


def test_a_lock_withdraws_the_waiting_email_and_it_is_never_sent(db):
    server = SmtpServer()  # down
    customer_id = make_customer()
    outbox_id = _act(ACTION_SEND, customer_id, server.url).result.outbox_id
    _act(ACTION_LOCK, customer_id, server.url)
    message = OutboxMessage.get_by_id(outbox_id)
    assert message.status == "withdrawn" and "locked by" in message.last_error
    server.start()
    try:
        assert deliver_waiting(parse_mail_url(server.url, SENDER), due_only=False).outcomes == []
    finally:
        server.stop()
    assert server.handler.messages == []


def test_a_message_claimed_after_a_lock_is_withdrawn_in_the_claim(db):
    customer_id = make_customer()
    server = SmtpServer()  # down
    outbox_id = _act(ACTION_SEND, customer_id, server.url).result.outbox_id
    with write_transaction():  # a lock that raced the withdrawal: the claim still refuses
        PortalAccount.update(status="locked").execute()
    server.start()
    try:
        outcome = deliver_message(outbox_id, parse_mail_url(server.url, SENDER))
    finally:
        server.stop()
    assert outcome.withdrawn and "locked" in outcome.error
    assert server.handler.messages == [] and PortalAccount.get().password_hash.startswith("$2b$")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (CUSTDESK_TEST_PG)")
def test_a_staff_role_that_cannot_read_password_hashes_delivers_the_outbox(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the grants are PostgreSQL's")
    open_database(db_url)
    setup_database()
    clerk = f"clerk_{uuid.uuid4().hex[:10]}"
    from models.staff.admin import add_staff

    add_staff(desk(), clerk, "staff")
    customer_id = make_customer()
    outbox_id = _act(ACTION_SEND, customer_id, SmtpServer().url).result.outbox_id
    close_database()
    server = SmtpServer().start()
    try:
        open_database(db_url.replace("postgres@", f"{clerk}@", 1))
        with pytest.raises(Exception, match="permission denied"):
            database.execute_sql("SELECT password_hash FROM portal_account").fetchall()
        database.rollback()
        assert Staff.select().count() == 2
        assert deliver_message(outbox_id, parse_mail_url(server.url, SENDER)).sent
        close_database()
        open_database(db_url)
        [email] = server.handler.messages
        assert sign_in("jo@example.com", secret_in(email), NEW_PASSWORD).accepted
    finally:
        server.stop()
        close_database()
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{clerk}"; DROP ROLE "{clerk}"')
