"""One outcome per portal action: an action applies only to the account state the clerk saw and
confirmed. Two real processes confirm at once, 20 trials per pair of actions, on both engines;
and the refusals say what changed, who changed it and when."""

import multiprocessing
import os
import time

import bcrypt
import pytest
from support.portal import (
    SENDER,
    SmtpServer,
    desk,
    make_customer,
    named_staff,
    password_in,
    seen,
)

from models.portal.actions import (
    ACTION_LOCK,
    ACTION_RESET,
    ACTION_SEND,
    PortalActionConflict,
    PortalActionRefused,
    lock_account,
    portal_summary,
    reset_and_unlock,
    send_activation,
)
from models.portal.service import perform_action
from models.staff.session import identify
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    AuditEvent,
    OutboxMessage,
    PortalAccount,
)
from screens.portal_flow import confirm_dialog

TRIALS = 20
STEP = 0.05  # seconds between trials: each pair starts together, apart from the next
PAIRS = [
    (ACTION_SEND, ACTION_SEND),
    (ACTION_RESET, ACTION_RESET),
    (ACTION_LOCK, ACTION_RESET),
    (ACTION_SEND, ACTION_LOCK),
]
_opened: dict[str, str] = {}


def _confirm(
    url: str, mail_url: str, start_at: float, action: str, customer_id: int, version: int
) -> str:
    """One clerk's confirmed action, in its own process: 'done' or 'refused'."""
    from models.store.db import open_database

    os.environ["CUSTDESK_BCRYPT_COST"] = "4"
    if _opened.get("url") != url:
        open_database(url)
        _opened["url"] = url
    time.sleep(max(0.0, start_at - time.time()))
    try:
        perform_action(
            action,
            customer_id,
            staff=identify(),
            expected_version=version,
            mail_url=mail_url,
            sender=SENDER,
            resend=action == ACTION_SEND and version > 0,
        )
    except PortalActionRefused:
        return "refused"
    return "done"


def _emails_to(server: SmtpServer, address: str) -> list:
    return [m for m in server.handler.messages if m["To"] == address]


def _check_trial(
    server: SmtpServer,
    customer_id: int,
    address: str,
    before: int,
    pair: tuple[str, str],
    outcomes: list[str],
) -> None:
    """Exactly one of the two applied; one email for an applied emailed action, none else; the
    account is in the state that action left, and the newest email's password works."""
    assert outcomes.count("done") == 1, (pair, outcomes)
    applied = pair[outcomes.index("done")]
    emails = _emails_to(server, address)[before:]
    account = PortalAccount.get(PortalAccount.customer == customer_id)
    if applied == ACTION_LOCK:
        assert account.status == PORTAL_LOCKED and emails == [], (pair, outcomes)
        return
    assert len(emails) == 1, (pair, outcomes, len(emails))
    assert account.status == PORTAL_ACTIVE and account.must_change_password
    assert bcrypt.checkpw(password_in(emails[0]).encode(), account.password_hash.encode())


def _run_pair(
    pool, server: SmtpServer, db_url: str, customers: list[tuple[int, str]], pair: tuple[str, str]
) -> None:
    """Twenty trials of one pair, each on its own customer, both clerks confirming the state
    they both saw."""
    versions = [seen(customer_id) for customer_id, _ in customers]
    before = [len(_emails_to(server, address)) for _, address in customers]
    start = time.time() + 0.3
    tasks = [
        (db_url, server.url, start + k * STEP, action, customer_id, versions[k])
        for k, (customer_id, _) in enumerate(customers)
        for action in pair
    ]
    results = pool.starmap(_confirm, tasks, chunksize=1)
    for k, (customer_id, address) in enumerate(customers):
        _check_trial(server, customer_id, address, before[k], pair, results[2 * k : 2 * k + 2])
    assert not OutboxMessage.select().where(OutboxMessage.status == "pending").exists()


def test_two_clerks_confirming_at_once_get_exactly_one_outcome(db, db_url):
    server = SmtpServer().start()
    customers = [
        (make_customer(f"race{k}@example.com"), f"race{k}@example.com") for k in range(TRIALS)
    ]
    try:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            for pair in PAIRS:
                _run_pair(pool, server, db_url, customers, pair)
                for customer_id, _ in customers:  # the next pair starts from an active account
                    if portal_summary(customer_id, desk()).status == PORTAL_LOCKED:
                        perform_action(
                            ACTION_RESET,
                            customer_id,
                            staff=desk(),
                            expected_version=seen(customer_id),
                            mail_url=server.url,
                            sender=SENDER,
                        )
    finally:
        server.stop()


# ------------------------------------------------------------------ what the clerk is told


def test_an_action_on_a_changed_account_is_refused_with_who_and_when(db):
    customer_id = make_customer()
    send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    looked = seen(customer_id)
    other = named_staff("ann.other")
    lock_account(customer_id, other, expected_version=looked, reason="chargeback")
    before = PortalAccount.get()
    with pytest.raises(PortalActionConflict) as refused:
        reset_and_unlock(customer_id, desk(), expected_version=looked, sender=SENDER)
    text = str(refused.value)
    assert "Reset Password and Unlock was not done" in text
    assert "Lock Account by " in text and " UTC" in text and "locked by staff" in text
    assert PortalAccount.get().status == PORTAL_LOCKED  # a staff lock is never undone silently
    assert PortalAccount.get().version == before.version
    assert OutboxMessage.select().count() == 1
    with pytest.raises(PortalActionConflict, match=r"Lock Account by .* It is now locked"):
        lock_account(customer_id, desk(), expected_version=0)


def test_a_second_send_says_an_email_is_on_its_way_and_sends_only_when_asked(db):
    customer_id = make_customer()
    send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    summary = portal_summary(customer_id, desk())
    assert "already on its way: Send Activation Email by " in summary.on_its_way
    assert "queued at" in summary.on_its_way
    with pytest.raises(PortalActionRefused, match=r"already on its way.*Send again"):
        send_activation(customer_id, desk(), expected_version=summary.version, sender=SENDER)
    assert OutboxMessage.select().count() == 1
    again = send_activation(
        customer_id, desk(), expected_version=summary.version, sender=SENDER, resend=True
    )
    first = OutboxMessage.get(OutboxMessage.id != again.outbox_id)
    assert first.status == "withdrawn" and "replaced by Send Activation Email" in first.last_error
    events = AuditEvent.select().where(AuditEvent.action == "portal_send_activation")
    assert events.count() == 2


def test_the_confirm_dialog_says_an_email_is_on_its_way_and_offers_send_again(db):
    customer_id = make_customer()
    fresh = confirm_dialog(ACTION_SEND, portal_summary(customer_id, desk()), False)
    assert fresh._yes_label == "Send"
    send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    dialog = confirm_dialog(ACTION_SEND, portal_summary(customer_id, desk()), False)
    assert dialog._yes_label == "Send again" and dialog._focus_no
    assert "already on its way" in dialog._question.plain
    assert "Send again?" in dialog._question.plain
