"""Staff and roles: the staff table, where each audit row came from and its result, and on
PostgreSQL the server writing the authenticated role into every audit row.

Whoever brings a database to this version (on SQLite the file's creator, on PostgreSQL the
role that runs `custdesk setup`) becomes its first administrator.
"""

import datetime
import os
import pwd

import peewee as pw

STAFF_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION custdesk_stamp_session_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.staff := session_user;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS audit_event_session_user ON audit_event;
CREATE TRIGGER audit_event_session_user BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION custdesk_stamp_session_user();
"""


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _first_administrator(db) -> str:
    if isinstance(db, pw.SqliteDatabase):
        try:
            return pwd.getpwuid(os.getuid()).pw_name
        except KeyError:
            return f"uid-{os.getuid()}"
    return db.execute_sql("SELECT session_user").fetchone()[0]


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            "audit_event", "client_address", pw.CharField(max_length=64, default="")
        ),
        migrator.add_column("audit_event", "terminal", pw.CharField(max_length=64, default="")),
        migrator.add_column("audit_event", "host", pw.CharField(max_length=64, default="")),
        migrator.add_column("audit_event", "result", pw.CharField(max_length=16, default="done")),
    )

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        login = pw.CharField(max_length=64, primary_key=True)
        role = pw.CharField(max_length=16)
        added_by = pw.CharField(max_length=64, default="")
        added_at = pw.DateTimeField(default=_now)

    db.create_tables([Staff])
    first = _first_administrator(db)
    Staff.insert(login=first, role="administrator", added_by=first).execute()
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql(STAFF_TRIGGER_SQL)
