"""Search and sort at any size: the folded search column, its trigram index, the sort indexes."""

import peewee as pw

from models.store.migrations.frozen_search import (
    postgres_schema_sql,
    register_sqlite_functions,
    sqlite_schema_sql,
)


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    if sqlite:
        register_sqlite_functions(db)
    for statement in sqlite_schema_sql() if sqlite else postgres_schema_sql():
        db.execute_sql(statement)
