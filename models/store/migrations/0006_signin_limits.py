"""Portal sign-in limits: failures counted for unknown emails (by hash) and per source, and
which sources an email's lock applies to (issue 13 point 3)."""

import peewee as pw

# Must stay the exact text models/portal/signin.py queries with, or the index is not used.
HASH_COST_SQL = "substr(password_hash, 5, 2)"


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class SignInEmail(Base):
        email_key = pw.CharField(max_length=64, primary_key=True)
        failed_attempts = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)

    class SignInSource(Base):
        source = pw.CharField(max_length=64, primary_key=True)
        failed_attempts = pw.IntegerField(default=0)
        last_failed_at = pw.DateTimeField(index=True)
        next_attempt_at = pw.DateTimeField(null=True)

    class SignInLockSource(Base):
        email_key = pw.CharField(max_length=64)
        source = pw.CharField(max_length=64)

        class Meta:
            indexes = ((("email_key", "source"), True),)

    db.create_tables([SignInEmail, SignInSource, SignInLockSource])
    # The highest cost among stored hashes, read at every sign-in, in one index step.
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS portal_account_hash_cost ON portal_account ({HASH_COST_SQL})"
    )
