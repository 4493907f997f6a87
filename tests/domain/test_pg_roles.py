"""PostgreSQL enforces the permission table: real login roles in the staff groups that
`custdesk setup` creates, refused by the server itself where custdesk's own check is bypassed."""

import uuid
from urllib.parse import urlparse

import psycopg2
import pytest
from support.cli import run_custdesk
from support.pg import PG_SKIPPED, PG_URL, refused, schema_url
from support.portal import SENDER, desk, make_customer, seen

from models.customers import create_customer
from models.portal.actions import lock_account, portal_summary, send_activation
from models.staff.permissions import NotPermitted
from models.staff.session import identify
from models.store.db import database, open_database
from models.store.tables import AuditEvent

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIPPED)


def test_setup_creates_the_group_roles(team):
    rows = database.execute_sql(
        "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE %s", ("custdesk_%",)
    ).fetchall()
    assert {
        ("custdesk_administrator", False),
        ("custdesk_manager", False),
        ("custdesk_portal", False),
        ("custdesk_readonly", False),
        ("custdesk_staff", False),
    } <= set(rows)


def test_a_staff_role_cannot_rewrite_the_audit_trail_or_read_secrets(team):
    make_customer()
    clerk = team.login("staff")
    connection = team.raw(clerk)
    try:
        assert "permission denied" in refused(connection, "UPDATE audit_event SET detail = 'x'")
        assert "permission denied" in refused(connection, "DELETE FROM audit_event")
        assert "permission denied" in refused(
            connection, "SELECT password_hash FROM portal_account"
        )
        assert "permission denied" in refused(connection, "SELECT token_hash FROM portal_token")
        assert "permission denied" in refused(connection, "DELETE FROM access_log_entry")
        assert "permission denied" in refused(connection, "CREATE TABLE sneaky (x int)")
        assert "must be owner" in refused(connection, "DROP TABLE customer")
        with connection.cursor() as cur:  # what it may do: read customers, insert audit rows
            cur.execute("SELECT count(*) FROM customer")
            assert cur.fetchone() == (1,)
            cur.execute(
                "INSERT INTO audit_event (staff, at, action, changes, detail, "
                "client_address, terminal, host, result, row_hash) VALUES ('the CFO', "
                "now(), 'note', '{}', 'claims to be the CFO', '', '', '', 'done', '')"
            )
    finally:
        connection.close()
    row = AuditEvent.get(AuditEvent.detail == "claims to be the CFO")
    assert row.staff == clerk  # the server wrote the role it authenticated


def test_readonly_cannot_write_at_all(team):
    make_customer()
    viewer = team.login("readonly")
    connection = team.raw(viewer)
    try:
        refused(connection, "UPDATE customer SET business_name = 'x'")
        refused(
            connection,
            "INSERT INTO note (customer_id, body, public, author, created_at) "
            "VALUES (1, 'x', false, 'x', now())",
        )
        refused(connection, "UPDATE portal_account SET status = 'locked'")
        refused(connection, "UPDATE counter SET value = 0")
    finally:
        connection.close()


def test_each_role_through_models_as_its_own_login(team):
    customer_id = make_customer()
    send_activation(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    clerk, viewer = team.login("staff"), team.login("readonly")
    database.obj.close_all()
    open_database(team.url_for(clerk))
    staff = identify()
    assert staff.login == clerk
    assert portal_summary(customer_id, staff).status == "active"
    lock_account(customer_id, staff, expected_version=seen(customer_id), reason="card testing")
    created = create_customer({"business_name": "Clerk Made Ltd"}, staff)
    assert AuditEvent.get(AuditEvent.customer == created.id).staff == clerk
    database.obj.close_all()
    open_database(team.url_for(viewer))
    with pytest.raises(NotPermitted, match="readonly"):
        create_customer({"business_name": "Viewer Made Ltd"}, identify())
    assert AuditEvent.get(AuditEvent.result == "refused").staff == viewer


def test_staff_on_the_command_line_as_their_own_role(team, tmp_path):
    make_customer()
    clerk = team.login("staff")
    database.obj.close_all()
    export = run_custdesk("--db", team.url_for(clerk), "export", str(tmp_path / "out.csv"))
    assert export.returncode == 1
    assert export.stderr == ("custdesk: Not allowed: your role (staff) may not export customers.\n")
    listing = run_custdesk("--db", team.url_for(clerk), "outbox")
    assert listing.returncode == 0, listing.stderr


def test_a_login_that_is_not_staff_is_told_who_can_add_it(team):
    stranger = f"{team.schema}_stranger"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f'CREATE ROLE "{stranger}" LOGIN IN ROLE custdesk_readonly')
    team.logins.append(stranger)
    result = run_custdesk("--db", team.url_for(stranger), "export", "-")
    assert result.returncode == 2
    assert f"'{stranger}' is not on this database's staff list" in result.stderr


def test_a_staff_process_against_an_old_schema_asks_for_setup():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    try:
        old = run_custdesk("--db", schema_url(schema), "outbox")
        assert old.returncode == 2
        assert "an administrator must run 'custdesk setup'" in old.stderr
        assert old.stderr.count("\n") == 1
        done = run_custdesk("--db", schema_url(schema), "setup")
        assert done.returncode == 0, done.stderr
        with psycopg2.connect(schema_url(schema)) as conn, conn.cursor() as cur:
            cur.execute("SELECT staff, detail FROM audit_event WHERE action = 'setup'")
            owner = urlparse(PG_URL).username
            assert cur.fetchall() == [(owner, "Brought the schema, roles and grants up to date")]
        assert run_custdesk("--db", schema_url(schema), "outbox").returncode == 0
    finally:
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")


def test_the_portal_sign_in_check_runs_as_its_own_role(team):
    from support.portal import NEW_PASSWORD, activated

    _customer_id, temporary = activated("jo@example.com")
    portal = f"{team.schema}_portal"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f'CREATE ROLE "{portal}" LOGIN IN ROLE custdesk_portal')
    team.logins.append(portal)
    database.obj.close_all()
    signed_in = run_custdesk(
        "--db",
        team.url_for(portal),
        "portal-login",
        "jo@example.com",
        "--new-password",
        stdin=f"{temporary}\n{NEW_PASSWORD}\n",
    )
    assert signed_in.returncode == 0, signed_in.stderr + signed_in.stdout
    connection = team.raw(portal)
    try:
        refused(connection, "SELECT body FROM note")
        refused(connection, "UPDATE customer SET business_name = 'x'")
        refused(
            connection,
            "INSERT INTO audit_event (staff, at, action, changes, detail, "
            "client_address, terminal, host, result, row_hash) VALUES ('x', "
            "now(), 'x', '{}', 'x', '', '', '', 'done', '')",
        )
        refused(connection, "DELETE FROM access_log_entry")
    finally:
        connection.close()


def test_when_the_server_refuses_what_models_allowed_it_is_one_line(team, tmp_path):
    mismatched = team.login("readonly")
    database.execute_sql("UPDATE staff SET role = 'manager' WHERE login = %s", (mismatched,))
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("Customer Code,Business Name\nM-1,Mismatch Ltd\n", encoding="utf-8")
    database.obj.close_all()
    result = run_custdesk("--db", team.url_for(mismatched), "import", str(csv_file))
    assert result.returncode == 2
    assert result.stderr.startswith("custdesk: The PostgreSQL server refused: permission denied")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
