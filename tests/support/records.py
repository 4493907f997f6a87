"""Many notes, history events and sign-in attempts for one customer, written at once (for the
paging tests: what they check is the reading, not how the rows were written)."""

from datetime import datetime, timedelta

from models.store.tables import AccessLogEntry, AuditEvent, Note

START = datetime(2025, 1, 1, 9, 0)


def many_records(customer_id: int, count: int) -> None:
    """`count` notes, events and attempts, numbered 0 (the oldest) to count - 1; two notes share
    each time, so paging must go by the time and then the id."""
    times = [START + timedelta(minutes=n // 2) for n in range(count)]
    Note.insert_many(
        [(customer_id, f"note {n}", False, "seed", at) for n, at in enumerate(times)],
        fields=[Note.customer, Note.body, Note.public, Note.author, Note.created_at],
    ).execute()
    AuditEvent.insert_many(
        [(customer_id, "seed", at, "updated", f"event {n}") for n, at in enumerate(times)],
        fields=[
            AuditEvent.customer,
            AuditEvent.staff,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.detail,
        ],
    ).execute()
    AccessLogEntry.insert_many(
        [(customer_id, f"n{n}@example.com", at, f"attempt {n}") for n, at in enumerate(times)],
        fields=[
            AccessLogEntry.customer,
            AccessLogEntry.email,
            AccessLogEntry.at,
            AccessLogEntry.reason,
        ],
    ).execute()
