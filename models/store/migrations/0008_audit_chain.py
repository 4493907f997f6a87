"""The audit trail and the access log as hash chains: each row's place and SHA-256 (of the row
before's hash, its place and its fields), the head of each chain, and on PostgreSQL the trigger
that links every new row as the schema's owner (so no staff role writes outside the chain).

Rows already there are linked in id order. The field lists and the hashed text are frozen
copies of models/audit/chain.py's.
"""

import hashlib
from datetime import datetime

import peewee as pw

GENESIS = "0" * 64
SEPARATOR = "\x1f"
FIELDS = {
    "audit_event": (
        "customer_id",
        "staff",
        "at",
        "action",
        "changes",
        "detail",
        "client_address",
        "terminal",
        "host",
        "result",
    ),
    "access_log_entry": ("customer_id", "email", "at", "address", "success", "reason"),
}
BATCH = 5_000


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def _sql_text(table: str, column: str) -> str:
    """The trigger's text of one field, as _text gives it in Python."""
    if column == "at":
        return "to_char(NEW.at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    if column == "success":
        return "CASE WHEN NEW.success THEN '1' ELSE '0' END"
    if column == "staff":
        return "session_user::text"
    return f"coalesce(NEW.{column}::text, '')"


def _trigger_sql(table: str) -> str:
    parts = ", ".join(_sql_text(table, column) for column in FIELDS[table])
    stamp = "NEW.staff := session_user;" if table == "audit_event" else ""
    return f"""
CREATE OR REPLACE FUNCTION custdesk_link_{table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    {stamp}
    SELECT seq, hash INTO head_seq, head_hash FROM chain_head WHERE name = '{table}' FOR UPDATE;
    NEW.seq := head_seq + 1;
    NEW.row_hash := encode(sha256(convert_to(concat_ws(E'\\x1f', head_hash, NEW.seq::text,
                                                       {parts}), 'UTF8')), 'hex');
    UPDATE chain_head SET seq = NEW.seq, hash = NEW.row_hash WHERE name = '{table}';
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS {table}_chain ON {table};
CREATE TRIGGER {table}_chain BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION custdesk_link_{table}();
"""


def _link_existing(db, table: str) -> tuple[int, str]:
    """Give every row already in `table` its place and hash, in id order; the chain's head."""
    seq, previous, last_id = 0, GENESIS, 0
    columns = ", ".join(("id", *FIELDS[table]))
    while True:
        rows = db.execute_sql(
            f"SELECT {columns} FROM {table} WHERE id > {last_id} ORDER BY id LIMIT {BATCH}"
        ).fetchall()
        if not rows:
            return seq, previous
        for row_id, *values in rows:
            seq += 1
            text = SEPARATOR.join([previous, str(seq), *(_text(v) for v in values)])
            previous = hashlib.sha256(text.encode("utf-8")).hexdigest()
            db.execute_sql(
                f"UPDATE {table} SET seq = {seq}, row_hash = {db.param} WHERE id = {row_id}",
                (previous,),
            )
        last_id = rows[-1][0]


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    for table in FIELDS:
        migrator.migrate(
            migrator.add_column(table, "seq", pw.BigIntegerField(null=True)),
            migrator.add_column(table, "row_hash", pw.CharField(max_length=64, default="")),
            migrator.add_index(table, ("seq",), unique=True),
        )

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ChainHead(Base):
        name = pw.CharField(max_length=32, primary_key=True)
        seq = pw.BigIntegerField(default=0)
        hash = pw.CharField(max_length=64)

    db.create_tables([ChainHead])
    for table in FIELDS:
        seq, head = _link_existing(db, table)
        ChainHead.insert(name=table, seq=seq, hash=head).execute()
        if not sqlite:
            db.execute_sql(_trigger_sql(table))
