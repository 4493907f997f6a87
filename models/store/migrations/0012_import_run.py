"""The import_run table: each CSV import as it writes, committed chunk by chunk, so staff are
told that an import is running and a stopped import can be resumed (issue 16 point 4).

A frozen copy of models/store/tables.py's ImportRun at this migration.
"""

import datetime

import peewee as pw


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class ImportRun(pw.Model):
        staff = pw.CharField(max_length=64)
        source = pw.CharField(max_length=255)
        file_digest = pw.CharField(max_length=64)
        update_codes = pw.BooleanField(default=False)
        state = pw.CharField(max_length=16, index=True)
        rows = pw.IntegerField(default=0)
        written = pw.IntegerField(default=0)
        created = pw.IntegerField(default=0)
        updated = pw.IntegerField(default=0)
        last_line = pw.IntegerField(default=0)
        reason = pw.TextField(default="")
        started_at = pw.DateTimeField(default=_now)
        beat_at = pw.DateTimeField(default=_now)

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([ImportRun])
