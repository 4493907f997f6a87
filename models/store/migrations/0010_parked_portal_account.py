"""Merge undo without secrets in the audit trail: a portal account a merge drops is parked, row
and password hash as they were, in parked_portal_account under the merge's audit event, and
moved back by undo; the audit detail names it only.

On PostgreSQL no staff role may read a password hash, so the two moves are functions run as
the schema's owner (SECURITY DEFINER); `custdesk setup` grants them to managers and
administrators only (models/store/pg_roles.py). Merges recorded before this migration keep their
snapshot in the audit detail: those rows are hash-chained (0008) and are left as they were.

The column lists are frozen copies of models/store/tables.py's ParkedPortalAccount and
models/store/engine.py's PORTAL_COLUMNS at this migration.
"""

import datetime

import peewee as pw

# portal_account's columns at this migration, but its id (parked as account_id)
COLUMNS = (
    "customer_id",
    "status",
    "password_hash",
    "temp_password_expires_at",
    "must_change_password",
    "failed_attempts",
    "last_sign_in_at",
    "locked_until",
    "lock_reason",
    "version",
    "updated_at",
    "login_email",
    "credential_message",
)


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _functions_sql() -> str:
    """The two moves, as functions of the schema's owner that only managers may run."""
    columns = ", ".join(COLUMNS)
    return f"""
CREATE OR REPLACE FUNCTION custdesk_park_portal_account(account_id bigint, event_id bigint)
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH gone AS (
        DELETE FROM portal_account WHERE id = $1
            AND EXISTS (SELECT 1 FROM audit_event WHERE id = $2 AND action = 'merged')
        RETURNING *)
    INSERT INTO parked_portal_account (account_id, {columns}, merge_event_id, parked_at)
    SELECT id, {columns}, $2, timezone('UTC', now()) FROM gone
    RETURNING account_id
$$;
CREATE OR REPLACE FUNCTION custdesk_unpark_portal_account(event_id bigint)
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH back AS (DELETE FROM parked_portal_account WHERE merge_event_id = $1 RETURNING *)
    INSERT INTO portal_account (id, {columns})
    SELECT account_id, {columns} FROM back
    RETURNING id
$$;
REVOKE ALL ON FUNCTION custdesk_park_portal_account(bigint, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION custdesk_unpark_portal_account(bigint) FROM PUBLIC;
"""


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Customer(Base):
        pass

    class AuditEvent(Base):
        pass

    class ParkedPortalAccount(Base):
        account_id = pw.IntegerField()
        customer = pw.ForeignKeyField(Customer, on_delete="CASCADE")
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
        login_email = pw.CharField(max_length=254, null=True)
        credential_message = pw.IntegerField(null=True)
        merge_event = pw.ForeignKeyField(AuditEvent, unique=True)
        parked_at = pw.DateTimeField(default=_now)

    db.create_tables([ParkedPortalAccount])
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql(_functions_sql())
