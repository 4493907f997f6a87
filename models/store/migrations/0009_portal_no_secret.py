"""No secret at rest: a portal email's password or link is made when it is delivered, so the
outbox keeps none. Messages still waiting with a stored secret are withdrawn (their secret is
blanked, overwritten on SQLite, and the column dropped); the account records which message
carries its current password or link."""

import peewee as pw

WITHDRAWN = (
    "withdrawn by the upgrade to custdesk's no-secret outbox: its password or link "
    "was stored in plain text; do the portal action again"
)


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    if sqlite:  # freed and rewritten pages are zeroed, so the old secrets leave the file
        db.execute_sql("PRAGMA secure_delete = ON")
    db.execute_sql(
        f"UPDATE outbox_message SET status = 'failed', last_error = {db.param} "
        "WHERE status = 'pending' AND secret <> ''",
        (WITHDRAWN,),
    )
    db.execute_sql("UPDATE outbox_message SET secret = '' WHERE secret <> ''")
    migrator.migrate(
        migrator.drop_column("outbox_message", "secret"),
        migrator.add_column(
            "outbox_message", "credential", pw.CharField(max_length=16, default="")
        ),
        migrator.add_column("outbox_message", "issued_at", pw.DateTimeField(null=True)),
        migrator.add_column("portal_account", "credential_message", pw.IntegerField(null=True)),
    )
