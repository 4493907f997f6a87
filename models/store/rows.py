"""Query rows as plain tuples or dicts, typed as such (peewee's stubs keep the model as the row
type of `.tuples()` and `.dicts()`)."""

from typing import Any, cast

import peewee as pw


def tuple_rows(query: pw.BaseQuery) -> list[tuple[Any, ...]]:
    """The query's rows, each a tuple in the order of its selected columns."""
    return cast(list[tuple[Any, ...]], list(query.tuples()))


def dict_rows(query: pw.BaseQuery) -> list[dict[str, Any]]:
    """The query's rows, each a dict keyed by column name."""
    return cast(list[dict[str, Any]], list(query.dicts()))
