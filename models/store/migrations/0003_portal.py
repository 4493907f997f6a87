"""Portal actions: the sign-in email of an account, the outbox's secret, one-time link tokens."""

import datetime

import peewee as pw


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            "portal_account", "login_email", pw.CharField(max_length=254, null=True, unique=True)
        ),
        migrator.add_column("outbox_message", "secret", pw.TextField(default="")),
        migrator.add_column("outbox_message", "discard_after", pw.DateTimeField(null=True)),
    )

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class PortalAccount(Base):
        pass

    class PortalToken(Base):
        account = pw.ForeignKeyField(PortalAccount, backref="tokens", on_delete="CASCADE")
        purpose = pw.CharField(max_length=16)
        token_hash = pw.CharField(max_length=64, unique=True)
        created_by = pw.CharField(max_length=64)
        created_at = pw.DateTimeField(default=_now)
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        cancelled_at = pw.DateTimeField(null=True)

    db.create_tables([PortalToken])
