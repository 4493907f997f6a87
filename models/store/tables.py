"""The Peewee models: one class a table. Operations live in their own modules."""

import peewee as pw

from models.clock import utcnow
from models.fields import display_name
from models.store.db import database

PORTAL_NOT_ACTIVATED = "not_activated"
PORTAL_ACTIVE = "active"
PORTAL_LOCKED = "locked"
PORTAL_STATUS_LABELS = {
    PORTAL_NOT_ACTIVATED: "not activated",
    PORTAL_ACTIVE: "active",
    PORTAL_LOCKED: "locked",
}


class BaseModel(pw.Model):
    """Every table lives in the one database opened at start.

    Each model spells out the `id = pw.AutoField()` peewee would add, and for each foreign key
    `x` the `x_id` accessor peewee adds, so the type checker sees both (same schema)."""

    class Meta:
        database = database
        legacy_table_names = False


class Customer(BaseModel):
    """A customer of the merchant, with both addresses and the advanced options."""

    id = pw.AutoField()
    code = pw.CharField(max_length=32)
    code_key = pw.CharField(
        max_length=32, unique=True
    )  # code casefolded: unique regardless of case
    business_name = pw.CharField(max_length=100, default="")
    contact_name = pw.CharField(max_length=100, default="")
    language = pw.CharField(max_length=8, default="")
    # The two addresses, billing then shipping, each the same columns.
    billing_contact_name = pw.CharField(max_length=100, default="")
    billing_business_name = pw.CharField(max_length=100, default="")
    billing_street1 = pw.CharField(max_length=100, default="")
    billing_street2 = pw.CharField(max_length=100, default="")
    billing_city = pw.CharField(max_length=60, default="")
    billing_country = pw.CharField(max_length=2, default="")
    billing_state = pw.CharField(max_length=10, default="")
    billing_postal_code = pw.CharField(max_length=16, default="")
    billing_phone = pw.CharField(max_length=32, default="")
    billing_fax = pw.CharField(max_length=32, default="")
    billing_email = pw.CharField(max_length=254, default="")
    shipping_contact_name = pw.CharField(max_length=100, default="")
    shipping_business_name = pw.CharField(max_length=100, default="")
    shipping_street1 = pw.CharField(max_length=100, default="")
    shipping_street2 = pw.CharField(max_length=100, default="")
    shipping_city = pw.CharField(max_length=60, default="")
    shipping_country = pw.CharField(max_length=2, default="")
    shipping_state = pw.CharField(max_length=10, default="")
    shipping_postal_code = pw.CharField(max_length=16, default="")
    shipping_phone = pw.CharField(max_length=32, default="")
    shipping_fax = pw.CharField(max_length=32, default="")
    shipping_email = pw.CharField(max_length=254, default="")
    tax_exempt = pw.CharField(max_length=8, default="no")
    vat_number = pw.CharField(max_length=20, default="")
    accepts_marketing = pw.BooleanField(default=False)
    wholesale = pw.BooleanField(default=False)
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    archived_at = pw.DateTimeField(null=True, index=True)

    @property
    def display_name(self) -> str:
        """The business name, or else the contact name."""
        return display_name(self.business_name, self.contact_name)


class PortalAccount(BaseModel):
    """A customer's access to the customer portal; the password only as a bcrypt hash."""

    id = pw.AutoField()
    customer = pw.ForeignKeyField(
        Customer, unique=True, backref="portal_accounts", on_delete="CASCADE"
    )
    customer_id: int
    status = pw.CharField(max_length=16, default=PORTAL_NOT_ACTIVATED)
    password_hash = pw.CharField(max_length=80, default="")
    temp_password_expires_at = pw.DateTimeField(null=True)
    must_change_password = pw.BooleanField(default=False)
    failed_attempts = pw.IntegerField(default=0)
    last_sign_in_at = pw.DateTimeField(null=True)
    locked_until = pw.DateTimeField(null=True)  # an automatic lock after failed sign-ins
    lock_reason = pw.CharField(max_length=200, default="")
    version = pw.IntegerField(default=1)
    updated_at = pw.DateTimeField(default=utcnow)
    login_email = pw.CharField(max_length=254, null=True, unique=True)  # casefolded; 0003_portal
    # The outbox message whose email carries the account's current password or link, made only
    # when that message is delivered; null when none was sent. 0009_portal_no_secret
    credential_message = pw.IntegerField(null=True)


# What staff processes may read of an account: everything but the password hash (on PostgreSQL
# the grants refuse that column to every staff role).
STAFF_PORTAL_FIELDS = [f for f in PortalAccount._meta.sorted_fields if f.name != "password_hash"]


def staff_view_of_account(customer_id: int) -> "PortalAccount | None":
    """A customer's portal account as staff may read it (no password hash), or None."""
    return (
        PortalAccount.select(*STAFF_PORTAL_FIELDS)
        .where(PortalAccount.customer == customer_id)
        .first()
    )


class AuditEvent(BaseModel):
    """One change or action: who (on PostgreSQL the server writes it), from where, what, the
    field-level before/after and the result."""

    id = pw.AutoField()
    customer = pw.ForeignKeyField(Customer, null=True, backref="audit_events", on_delete="SET NULL")
    customer_id: int | None
    staff = pw.CharField(max_length=64)
    at = pw.DateTimeField(default=utcnow, index=True)
    action = pw.CharField(max_length=32)
    changes = pw.TextField(default="")  # JSON: {field: [before, after]}
    detail = pw.TextField(default="")
    client_address = pw.CharField(max_length=64, default="")  # 0005_staff: SSH client address
    terminal = pw.CharField(max_length=64, default="")  # 0005_staff
    host = pw.CharField(max_length=64, default="")  # 0005_staff
    result = pw.CharField(max_length=16, default="done")  # 0005_staff: done, refused
    seq = pw.BigIntegerField(null=True, unique=True)  # 0008_audit_chain: place in the chain
    row_hash = pw.CharField(max_length=64, default="")  # 0008_audit_chain: see audit_chain.py


class ParkedPortalAccount(BaseModel):
    """A portal account a merge dropped, every column as it was (its id as account_id), kept
    under the merge's audit event until the merge is undone (models/store/engine.py moves it in and
    out). No staff role may read it; a column added to portal_account needs one here too."""

    id = pw.AutoField()
    account_id = pw.IntegerField()
    customer = pw.ForeignKeyField(Customer, backref="parked_portal_accounts", on_delete="CASCADE")
    customer_id: int
    status = pw.CharField(max_length=16, default=PORTAL_NOT_ACTIVATED)
    password_hash = pw.CharField(max_length=80, default="")
    temp_password_expires_at = pw.DateTimeField(null=True)
    must_change_password = pw.BooleanField(default=False)
    failed_attempts = pw.IntegerField(default=0)
    last_sign_in_at = pw.DateTimeField(null=True)
    locked_until = pw.DateTimeField(null=True)
    lock_reason = pw.CharField(max_length=200, default="")
    version = pw.IntegerField(default=1)
    updated_at = pw.DateTimeField(default=utcnow)
    login_email = pw.CharField(max_length=254, null=True)
    credential_message = pw.IntegerField(null=True)
    merge_event = pw.ForeignKeyField(AuditEvent, unique=True, backref="parked_accounts")
    merge_event_id: int
    parked_at = pw.DateTimeField(default=utcnow)


class Staff(BaseModel):
    """A staff member: a login (OS login on SQLite, server role on PostgreSQL) and its role."""

    login = pw.CharField(max_length=64, primary_key=True)
    role = pw.CharField(max_length=16)
    added_by = pw.CharField(max_length=64, default="")
    added_at = pw.DateTimeField(default=utcnow)


class Note(BaseModel):
    """A note on a customer: internal, or public (shown in the customer portal)."""

    id = pw.AutoField()
    customer = pw.ForeignKeyField(Customer, backref="notes", on_delete="CASCADE")
    customer_id: int
    body = pw.TextField()
    public = pw.BooleanField(default=False)
    author = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    deleted_at = pw.DateTimeField(null=True)


class OutboxMessage(BaseModel):
    """An email waiting to be delivered, or delivered. A portal email's password or link is never
    stored: its body has a placeholder, filled in when the message is claimed for delivery."""

    id = pw.AutoField()
    message_id = pw.CharField(max_length=200, unique=True)
    customer = pw.ForeignKeyField(
        Customer, null=True, backref="outbox_messages", on_delete="SET NULL"
    )
    customer_id: int | None
    to_address = pw.CharField(max_length=254)
    subject = pw.CharField(max_length=200)
    body = pw.TextField()
    status = pw.CharField(max_length=16, default="pending", index=True)
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow, index=True)
    claimed_by = pw.CharField(max_length=64, default="")
    claimed_until = pw.DateTimeField(null=True)
    last_error = pw.TextField(default="")
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    discard_after = pw.DateTimeField(null=True)  # too late to send after this; 0003_portal
    credential = pw.CharField(max_length=16, default="")  # what is made at delivery; 0008
    issued_at = pw.DateTimeField(
        null=True
    )  # when it was last made (a try that may have gone); 0008


class AccessLogEntry(BaseModel):
    """One portal sign-in attempt: when, who, from where, and whether it succeeded."""

    id = pw.AutoField()
    customer = pw.ForeignKeyField(Customer, null=True, backref="access_log", on_delete="SET NULL")
    customer_id: int | None
    email = pw.CharField(max_length=254)
    at = pw.DateTimeField(default=utcnow, index=True)
    address = pw.CharField(max_length=64, default="")
    success = pw.BooleanField(default=False)
    reason = pw.CharField(max_length=200, default="")
    seq = pw.BigIntegerField(null=True, unique=True)  # 0008_audit_chain: place in the chain
    row_hash = pw.CharField(max_length=64, default="")  # 0008_audit_chain: see audit_chain.py


class ChainHead(BaseModel):
    """The last row of a hash chain (audit_event, access_log_entry): its place and hash."""

    name = pw.CharField(max_length=32, primary_key=True)
    seq = pw.BigIntegerField(default=0)
    hash = pw.CharField(max_length=64)


class SignInEmail(BaseModel):
    """Failed portal sign-ins in a row for an email that has no portal account, counted as for
    one that has (PortalAccount.failed_attempts), so both answer alike; only a hash of the
    email is kept."""

    email_key = pw.CharField(max_length=64, primary_key=True)  # sha256 of the casefolded email
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)


class SignInSource(BaseModel):
    """Failed portal sign-ins from one source (network address), whatever the email, and when
    it may try again: the delay grows with each failure."""

    source = pw.CharField(max_length=64, primary_key=True)
    failed_attempts = pw.IntegerField(default=0)
    last_failed_at = pw.DateTimeField(index=True)
    next_attempt_at = pw.DateTimeField(null=True)


class SignInLockSource(BaseModel):
    """A source that failed for an email in its current run of failures: when the run locks
    the email, the lock applies to these sources only."""

    id = pw.AutoField()
    email_key = pw.CharField(max_length=64)
    source = pw.CharField(max_length=64)

    class Meta:
        indexes = ((("email_key", "source"), True),)


class ImportRun(BaseModel):
    """One CSV import as it writes (0012_import_run): while `state` is running others are told
    so; `last_line` is the last file line committed, so a stopped import can be resumed."""

    id = pw.AutoField()
    staff = pw.CharField(max_length=64)
    source = pw.CharField(max_length=255)  # the file's name
    file_digest = pw.CharField(max_length=64)  # SHA-256 of the file: what --resume matches
    update_codes = pw.BooleanField(default=False)  # --update
    state = pw.CharField(max_length=16, index=True)  # running, done, stopped, resumed
    rows = pw.IntegerField(default=0)  # rows the import writes
    written = pw.IntegerField(default=0)  # rows written (committed) so far
    created = pw.IntegerField(default=0)
    updated = pw.IntegerField(default=0)
    last_line = pw.IntegerField(default=0)  # the last line of the file committed
    reason = pw.TextField(default="")  # why it stopped
    started_at = pw.DateTimeField(default=utcnow)
    beat_at = pw.DateTimeField(default=utcnow)  # moved on by every committed chunk


class Counter(BaseModel):
    """A named counter: the customer-code sequence and the change counter."""

    name = pw.CharField(max_length=32, primary_key=True)
    value = pw.BigIntegerField(default=0)


class CustomerRefresh(BaseModel):
    """A customer changed (inserted, updated, deleted) by anyone, custdesk or another program,
    whose derived data (search copy, duplicate flags) waits to be worked out; the database's
    own triggers fill it (0011), models/duplicates.py's settle_changes empties it."""

    customer_id = pw.BigIntegerField(primary_key=True)


class CustomerDuplicate(BaseModel):
    """A customer's duplicate flag: the other customer it most likely duplicates, and why;
    kept by models/duplicates.py in the transaction of every write (0011)."""

    customer = pw.ForeignKeyField(
        Customer, primary_key=True, backref="duplicate_flag", on_delete="CASCADE"
    )
    customer_id: int
    other_id = pw.BigIntegerField(
        index=True
    )  # no foreign key: a flag outlives its other until settled
    reason = pw.CharField(max_length=80)


ALL_TABLES = [
    Customer,
    PortalAccount,
    AuditEvent,
    Note,
    OutboxMessage,
    AccessLogEntry,
    Counter,
    Staff,
    SignInEmail,
    SignInSource,
    SignInLockSource,
    ChainHead,
    ParkedPortalAccount,
    CustomerRefresh,
    CustomerDuplicate,
    ImportRun,
]
