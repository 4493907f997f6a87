"""The search fold composes text (NFC) first, so decomposed text (NFD) is found too: replace
the PostgreSQL fold functions and recompute the folded columns of rows folded without it."""

import peewee as pw

from models.store.migrations.frozen_search import (
    pg_fold_functions_sql,
    refold_sql,
    register_sqlite_functions,
)


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    if sqlite:
        register_sqlite_functions(db)
    else:
        for statement in pg_fold_functions_sql():
            db.execute_sql(statement)
    db.execute_sql(refold_sql(sqlite))
