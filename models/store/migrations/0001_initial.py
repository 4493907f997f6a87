"""The first schema: customers, portal accounts, audit, notes, outbox, access log, counters."""

import datetime

import peewee as pw


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _address(side):
    return {
        f"{side}_{name}": pw.CharField(max_length=size, default="")
        for name, size in (
            ("contact_name", 100),
            ("business_name", 100),
            ("street1", 100),
            ("street2", 100),
            ("city", 60),
            ("country", 2),
            ("state", 10),
            ("postal_code", 16),
            ("phone", 32),
            ("fax", 32),
            ("email", 254),
        )
    }


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Customer(Base):
        code = pw.CharField(max_length=32)
        code_key = pw.CharField(max_length=32, unique=True)
        business_name = pw.CharField(max_length=100, default="")
        contact_name = pw.CharField(max_length=100, default="")
        language = pw.CharField(max_length=8, default="")
        locals().update(_address("billing"))
        locals().update(_address("shipping"))
        tax_exempt = pw.CharField(max_length=8, default="no")
        vat_number = pw.CharField(max_length=20, default="")
        accepts_marketing = pw.BooleanField(default=False)
        wholesale = pw.BooleanField(default=False)
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField(default=_now)
        updated_at = pw.DateTimeField(default=_now)
        archived_at = pw.DateTimeField(null=True, index=True)

    class PortalAccount(Base):
        customer = pw.ForeignKeyField(Customer, unique=True, on_delete="CASCADE")
        status = pw.CharField(max_length=16, default="not_activated")
        password_hash = pw.CharField(max_length=80, default="")
        temp_password_expires_at = pw.DateTimeField(null=True)
        must_change_password = pw.BooleanField(default=False)
        failed_attempts = pw.IntegerField(default=0)
        last_sign_in_at = pw.DateTimeField(null=True)
        locked_until = pw.DateTimeField(null=True)
        lock_reason = pw.CharField(max_length=200, default="")
        version = pw.IntegerField(default=1)
        updated_at = pw.DateTimeField(default=_now)

    class AuditEvent(Base):
        customer = pw.ForeignKeyField(Customer, null=True, on_delete="SET NULL")
        staff = pw.CharField(max_length=64)
        at = pw.DateTimeField(default=_now, index=True)
        action = pw.CharField(max_length=32)
        changes = pw.TextField(default="")
        detail = pw.TextField(default="")

    class Note(Base):
        customer = pw.ForeignKeyField(Customer, on_delete="CASCADE")
        body = pw.TextField()
        public = pw.BooleanField(default=False)
        author = pw.CharField(max_length=64)
        created_at = pw.DateTimeField(default=_now)
        deleted_at = pw.DateTimeField(null=True)

    class OutboxMessage(Base):
        message_id = pw.CharField(max_length=200, unique=True)
        customer = pw.ForeignKeyField(Customer, null=True, on_delete="SET NULL")
        to_address = pw.CharField(max_length=254)
        subject = pw.CharField(max_length=200)
        body = pw.TextField()
        status = pw.CharField(max_length=16, default="pending", index=True)
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField(default=_now, index=True)
        claimed_by = pw.CharField(max_length=64, default="")
        claimed_until = pw.DateTimeField(null=True)
        last_error = pw.TextField(default="")
        created_at = pw.DateTimeField(default=_now)
        sent_at = pw.DateTimeField(null=True)

    class AccessLogEntry(Base):
        customer = pw.ForeignKeyField(Customer, null=True, on_delete="SET NULL")
        email = pw.CharField(max_length=254)
        at = pw.DateTimeField(default=_now, index=True)
        address = pw.CharField(max_length=64, default="")
        success = pw.BooleanField(default=False)
        reason = pw.CharField(max_length=200, default="")

    class Counter(Base):
        name = pw.CharField(max_length=32, primary_key=True)
        value = pw.BigIntegerField(default=0)

    db.create_tables(
        [Customer, PortalAccount, AuditEvent, Note, OutboxMessage, AccessLogEntry, Counter]
    )
    Counter.insert_many(
        [("customer_code", 0), ("changes", 0)], fields=[Counter.name, Counter.value]
    ).execute()
