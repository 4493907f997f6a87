"""Customer records: aliases of merged-away codes, and the index duplicate checks look up by.

Duplicate checks also look up the folded billing email and the telephone's digits; those are
the sort keys 0002_search stores and indexes already (customer_sort_email, _telephone).
"""

import datetime

import peewee as pw

# Must stay the exact text models/duplicates.py queries with, or SQLite will not use the index.
POSTAL_KEY_SQL = "upper(replace(billing_postal_code, ' ', ''))"


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Customer(Base):
        pass

    class AuditEvent(Base):
        pass

    class CustomerAlias(Base):
        alias_key = pw.CharField(max_length=32, unique=True)
        code = pw.CharField(max_length=32)
        customer = pw.ForeignKeyField(Customer, backref="aliases", on_delete="CASCADE")
        merged_from = pw.ForeignKeyField(
            Customer, unique=True, backref="merged_into", on_delete="CASCADE"
        )
        merge_event = pw.ForeignKeyField(
            AuditEvent, null=True, backref="aliases", on_delete="SET NULL"
        )
        created_at = pw.DateTimeField(default=_now)

    db.create_tables([CustomerAlias])
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS customer_billing_postal_key ON customer ({POSTAL_KEY_SQL})"
    )
