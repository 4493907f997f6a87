"""Archive, not delete: archived customers keep their code reserved and can be restored."""

import pytest
from support.portal import desk, seen

from models.archive import ArchiveRefused, archive_customer, restore_customer
from models.audit.events import change_count
from models.customers import (
    CustomerNotFound,
    ValidationFailed,
    create_customer,
    load_customer,
)
from models.merge import merge_customers
from models.store.tables import AuditEvent, Customer


@pytest.fixture
def acme(db):
    """A saved customer with a typed code."""
    return create_customer({"business_name": "Acme Ltd", "code": "ACME"}, desk())


def last_event(customer_id: int) -> AuditEvent:
    return (
        AuditEvent.select()
        .where(AuditEvent.customer == customer_id)
        .order_by(AuditEvent.id.desc())
        .first()
    )


def test_archiving_marks_the_customer_bumps_its_version_and_is_audited(acme):
    archived = archive_customer(acme.id, desk())
    assert archived.archived
    assert archived.version == acme.version + 1
    assert Customer.get_by_id(acme.id).archived_at is not None
    event = last_event(acme.id)
    assert (event.action, event.staff) == ("archived", desk().login)
    assert "ACME (Acme Ltd)" in event.detail


def test_an_archived_code_stays_reserved(acme):
    archive_customer(acme.id, desk())
    with pytest.raises(ValidationFailed, match="already used by ACME"):
        create_customer({"contact_name": "Someone", "code": "acme"}, desk())


def test_restoring_brings_it_back_audited(acme):
    archive_customer(acme.id, desk())
    restored = restore_customer(acme.id, desk())
    assert not restored.archived
    assert restored.version == acme.version + 2
    assert (last_event(acme.id).action, last_event(acme.id).staff) == ("restored", desk().login)


def test_archiving_twice_or_restoring_a_live_customer_is_refused(acme):
    with pytest.raises(ArchiveRefused, match="ACME \\(Acme Ltd\\) is not archived"):
        restore_customer(acme.id, desk())
    archive_customer(acme.id, desk())
    before = change_count()
    with pytest.raises(ArchiveRefused, match="already archived"):
        archive_customer(acme.id, desk())
    assert change_count() == before


def test_archiving_what_someone_else_just_saved_is_refused(acme):
    Customer.update(version=Customer.version + 1).where(Customer.id == acme.id).execute()
    with pytest.raises(ArchiveRefused, match="Someone else changed ACME"):
        archive_customer(acme.id, desk(), expected_version=acme.version)
    assert not load_customer(acme.id).archived


def test_a_missing_customer_is_reported(db):
    with pytest.raises(CustomerNotFound):
        archive_customer(4242, desk())
    with pytest.raises(CustomerNotFound):
        restore_customer(4242, desk())


def test_a_merged_away_customer_comes_back_only_by_undoing_the_merge(acme):
    other = create_customer({"business_name": "Acme Limited", "code": "ACME2"}, desk())
    merge_customers(acme.id, other.id, {}, None, desk())
    with pytest.raises(ArchiveRefused, match="was merged into ACME: undo the merge"):
        restore_customer(other.id, desk())
    assert load_customer(other.id).archived


def test_an_archived_customer_cannot_sign_in_to_the_portal(db, monkeypatch):
    from support.portal import SENDER, secret_of

    from models.portal.actions import send_activation
    from models.portal.signin import sign_in

    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "4")
    record = create_customer({"contact_name": "Jo", "billing_email": "jo@example.com"}, desk())
    password = secret_of(
        send_activation(
            record.id, desk(), expected_version=seen(record.id), sender=SENDER
        ).outbox_id
    )
    archive_customer(record.id, desk())
    result = sign_in("jo@example.com", password, "a long new password 42")
    assert not result.accepted
    restore_customer(record.id, desk())
    assert sign_in("jo@example.com", password, "a long new password 42").accepted
