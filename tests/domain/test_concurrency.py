"""Several staff processes on one database at once: real OS processes, both engines."""

import multiprocessing
import time

from support.portal import SENDER, SmtpServer

from models.customers import create_customer, load_customer
from models.portal.actions import send_activation
from models.staff.session import identify
from models.store.tables import AuditEvent, Customer, OutboxMessage

PROCESSES = 4
CUSTOMERS_EACH = 15


def _open(url: str) -> None:
    from models.store.db import open_database

    open_database(url)


def _create_many(url: str, start_at: float, worker: int, count: int) -> list[str]:
    """Create `count` customers, starting with the others at `start_at`; returns their codes."""
    _open(url)
    time.sleep(max(0.0, start_at - time.time()))
    return [
        create_customer({"contact_name": f"Worker {worker} #{i}"}, identify()).code
        for i in range(count)
    ]


def _save_once(
    url: str,
    start_at: float,
    customer_id: int,
    version: int,
    values: dict,
) -> str:
    """Save one edit to a customer loaded at `version`; returns 'saved' or 'conflict'."""
    from models.customers import CustomerRecord, SaveConflict, save_customer

    _open(url)
    loaded = load_customer(customer_id)
    stale = CustomerRecord(customer_id, version, {**loaded.values, **_BASE}, loaded.code)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        save_customer(stale, values, identify())
    except SaveConflict:
        return "conflict"
    return "saved"


_BASE = {"contact_name": "Ada Lovelace", "business_name": "Acme"}


def _deliver(url: str, start_at: float, mail_url: str) -> int:
    """Deliver what waits in the outbox; returns how many this process sent."""
    from models.mail.smtp import parse_mail_url
    from models.portal.delivery import deliver_waiting

    _open(url)
    time.sleep(max(0.0, start_at - time.time()))
    report = deliver_waiting(parse_mail_url(mail_url, SENDER))
    return len(report.sent)


def _pool(size: int):
    return multiprocessing.get_context("spawn").Pool(size)


def test_processes_creating_at_once_get_unique_codes_and_lose_nothing(db, db_url):
    start_at = time.time() + 1.5
    with _pool(PROCESSES) as pool:
        results = pool.starmap(
            _create_many, [(db_url, start_at, w, CUSTOMERS_EACH) for w in range(PROCESSES)]
        )
    codes = [code for batch in results for code in batch]
    assert len(codes) == len(set(codes)) == PROCESSES * CUSTOMERS_EACH
    assert Customer.select().count() == PROCESSES * CUSTOMERS_EACH
    assert AuditEvent.select().where(AuditEvent.action == "created").count() == len(codes)


def test_two_processes_saving_one_customer_get_one_success_and_one_conflict(db, db_url):
    record = create_customer(_BASE, identify())
    start_at = time.time() + 1.5
    with _pool(2) as pool:
        outcomes = pool.starmap(
            _save_once,
            [
                (db_url, start_at, record.id, record.version, {"contact_name": "Ada King"}),
                (db_url, start_at, record.id, record.version, {"business_name": "Acme Group"}),
            ],
        )
    assert sorted(outcomes) == ["conflict", "saved"]
    final = load_customer(record.id)
    assert final.version == record.version + 1
    changed = {
        "contact_name": final.values["contact_name"] == "Ada King",
        "business_name": final.values["business_name"] == "Acme Group",
    }
    assert sum(changed.values()) == 1  # exactly one edit landed, the other was refused, not merged


def _activated_customer(number: int) -> int:
    """A customer with a billing email whose portal account is active."""
    customer = create_customer(
        {"contact_name": f"Jo {number}", "billing_email": f"jo{number}@example.com"}, identify()
    )
    send_activation(customer.id, identify(), expected_version=0, sender=SENDER)
    return customer.id


def test_two_deliverer_processes_send_every_message_exactly_once(db, db_url, monkeypatch):
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "4")
    for number in range(12):
        _activated_customer(number)
    server = SmtpServer().start()
    try:
        start_at = time.time() + 1.5
        with _pool(2) as pool:
            sent = pool.starmap(_deliver, [(db_url, start_at, server.url)] * 2)
    finally:
        server.stop()
    ids = [m["Message-ID"] for m in server.handler.messages]
    assert sum(sent) == 12
    assert len(ids) == len(set(ids)) == 12
    assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0
