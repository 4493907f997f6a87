"""Inserting many rows fast: multi-row INSERTs whose SQL is built once per size and reused.

Building a statement is most of Peewee's `insert_many` time, so each (table, columns, size)
statement is built once and kept; rows are split into full statements, then the rest in powers
of two, so a handful of sizes serve every row count. Rows are tuples already in their stored
form (what a field's `db_value` gives).
"""

import functools
from collections.abc import Iterator, Sequence

import peewee as pw

from models.store.db import database

STATEMENT_ROWS = 900  # rows an INSERT at the most
MAX_VARIABLES = (
    32_766  # placeholders a statement may have on SQLite (3.32+); PostgreSQL allows more
)


def bulk_insert(
    model: type[pw.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert rows (tuples in `columns` order) in as few statements as every engine allows;
    returns the `returning` columns of the new rows. Call inside the write transaction.

    Columns the model gives a default and `columns` leave out get that default.
    """
    defaults = _left_defaults(model, columns)
    columns, extra, returning = (*columns, *defaults), tuple(defaults.values()), tuple(returning)
    largest = min(STATEMENT_ROWS, MAX_VARIABLES // len(columns))
    fetched: list[tuple] = []
    for start, stop in _statement_spans(len(rows), largest):
        params: list[object] = []
        for row in rows[start:stop]:
            params += row
            params += extra
        sql = _insert_sql(model, columns, stop - start, returning, database.param)
        cursor = database.execute_sql(sql, params)
        if returning:
            fetched += cursor.fetchall()
    return fetched


def _left_defaults(model: type[pw.Model], columns: Sequence[str]) -> dict[str, object]:
    """The model's fields with a default that `columns` leave out, with their default values
    (insert_many adds those columns, so every row must carry them)."""
    return {
        field.name: default() if callable(default) else default
        for field, default in model._meta.defaults.items()
        if field.name not in columns
    }


def _statement_spans(count: int, largest: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of each statement's rows: statements of `largest` rows, then the rest in
    powers of two, so a handful of statement sizes (each built once) serve every count."""
    start = 0
    size = largest
    while start < count:
        while size > count - start:
            size = 1 << ((count - start).bit_length() - 1)
        yield start, start + size
        start += size


@functools.cache
def _insert_sql(
    model: type[pw.Model],
    columns: tuple[str, ...],
    size: int,
    returning: tuple[str, ...],
    param: str,
) -> str:
    """The INSERT of `size` rows, built once by Peewee's insert_many for the open engine
    (`param`, its placeholder, keys the cache: SQLite's and PostgreSQL's differ)."""
    query = model.insert_many(
        [(None,) * len(columns)] * size, fields=[getattr(model, name) for name in columns]
    )
    if returning:
        query = query.returning(*(getattr(model, name) for name in returning))
    return query.sql()[0]
