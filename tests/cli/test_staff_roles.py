"""Staff you can trust: an identity nobody can type in, one permission table, every refusal
audited, staff managed by administrators only (domain and command line, both engines)."""

import os
import pwd
import stat

import pytest
from support.cli import run_custdesk
from support.portal import SENDER, desk, make_customer, named_staff, seen

from models.archive import archive_customer
from models.customers import create_customer
from models.portal.actions import (
    ACTION_LOCK,
    ACTION_RESET,
    ACTION_SEND,
    lock_account,
    portal_summary,
    reset_and_unlock,
    send_activation,
)
from models.staff.admin import StaffChangeRefused, add_staff, list_staff, remove_staff, set_role
from models.staff.permissions import (
    ROLE_PERMISSIONS,
    ROLES,
    NotPermitted,
    NotStaff,
    Permission,
    authorize,
    require_staff,
)
from models.staff.session import process_login
from models.store.db import close_database, open_database
from models.store.tables import AuditEvent, Customer, Staff
from models.transfer.customer_export import write_customers

ME = process_login()  # who runs the tests: on SQLite the creator, so the first administrator


def test_the_database_creator_is_its_first_administrator(db):
    assert require_staff(desk().login) == "administrator"
    assert [row.login for row in list_staff(desk())] == [desk().login]


def test_the_permission_table_matches_the_roles_the_issue_names():
    assert ROLE_PERMISSIONS["administrator"] == frozenset(Permission)
    manager = ROLE_PERMISSIONS["manager"]
    assert {
        Permission.ARCHIVE,
        Permission.MERGE,
        Permission.IMPORT,
        Permission.EXPORT,
        Permission.PORTAL_RESET,
        Permission.EDIT,
    } <= manager
    assert Permission.MANAGE_STAFF not in manager and Permission.AUDIT not in manager
    assert ROLE_PERMISSIONS["staff"] == {
        Permission.VIEW,
        Permission.EDIT,
        Permission.PORTAL_SEND,
        Permission.PORTAL_LOCK,
        Permission.ACCESS_LOG,
    }
    assert ROLE_PERMISSIONS["readonly"] == {Permission.VIEW}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_its_permissions_and_refusals_are_audited(db, role):
    who = named_staff(f"someone-{role}", role)
    for permission in Permission:
        if permission in ROLE_PERMISSIONS[role]:
            authorize(who, permission)
        else:
            with pytest.raises(NotPermitted, match=f"your role \\({role}\\) may not"):
                authorize(who, permission, None)
    refused = AuditEvent.select().where(AuditEvent.result == "refused")
    assert refused.count() == len(Permission) - len(ROLE_PERMISSIONS[role])
    assert {event.action for event in refused} <= {"refused"}


def test_readonly_cannot_create_edit_or_act_and_nothing_changes(db):
    customer_id = make_customer()
    viewer = named_staff("viewer", "readonly")
    before = Customer.select().count()
    with pytest.raises(NotPermitted, match="create and edit customers"):
        create_customer({"business_name": "Sneaky Ltd"}, viewer)
    with pytest.raises(NotPermitted, match="lock portal accounts"):
        lock_account(customer_id, viewer, expected_version=seen(customer_id))
    with pytest.raises(NotPermitted, match="archive and restore"):
        archive_customer(customer_id, viewer)
    assert Customer.select().count() == before
    assert Customer.get_by_id(customer_id).archived_at is None


def test_staff_may_send_and_lock_but_not_reset_and_the_menu_says_why(db):
    customer_id = make_customer()
    clerk = named_staff("clerk", "staff")
    send_activation(customer_id, clerk, expected_version=seen(customer_id), sender=SENDER)
    summary = portal_summary(customer_id, clerk)
    assert summary.choice(ACTION_LOCK).available
    reset = summary.choice(ACTION_RESET)
    assert not reset.available
    assert reset.reason == "your role (staff) may not reset passwords and unlock portal accounts"
    with pytest.raises(NotPermitted):
        reset_and_unlock(customer_id, clerk, expected_version=seen(customer_id), sender=SENDER)
    lock_account(customer_id, clerk, expected_version=seen(customer_id), reason="card testing")
    viewer = named_staff("viewer", "readonly")
    assert not any(choice.available for choice in portal_summary(customer_id, viewer).actions)
    assert (
        portal_summary(customer_id, viewer)
        .choice(ACTION_SEND)
        .reason.startswith("your role (readonly)")
    )


def test_export_is_audited_and_refused_to_staff(db, tmp_path):
    make_customer()
    with open(tmp_path / "out.csv", "w", encoding="utf-8") as out:
        assert write_customers(out, desk(), destination="out.csv") == 1
    event = AuditEvent.get(AuditEvent.action == "exported")
    assert event.detail == "Exported 1 customers to out.csv"
    with (
        open(tmp_path / "again.csv", "w", encoding="utf-8") as out,
        pytest.raises(NotPermitted, match="export customers"),
    ):
        write_customers(out, named_staff("clerk", "staff"))


def test_a_login_not_on_the_staff_list_is_told_who_can_add_it(db):
    with pytest.raises(NotStaff, match=f"administrator \\({desk().login}\\) can add you"):
        require_staff("stranger")


def test_staff_changes_are_audited_and_bad_input_changes_nothing(db):
    admin = desk()
    with pytest.raises(StaffChangeRefused, match="Unknown role 'boss'"):
        set_role(admin, admin.login, "boss")
    with pytest.raises(StaffChangeRefused, match="not on the staff list"):
        set_role(admin, "nobody-here", "staff")
    with pytest.raises(StaffChangeRefused, match="not on the staff list"):
        remove_staff(admin, "nobody-here")
    with pytest.raises(StaffChangeRefused, match="last administrator"):
        set_role(admin, admin.login, "manager")
    with pytest.raises(StaffChangeRefused, match="last administrator"):
        remove_staff(admin, admin.login)
    with pytest.raises(StaffChangeRefused, match="not a login name"):
        add_staff(admin, "bad name; DROP", "staff")
    assert [(row.login, row.role) for row in list_staff(admin)] == [(admin.login, "administrator")]
    assert not AuditEvent.select().where(AuditEvent.action.startswith("staff_")).exists()


def test_only_administrators_manage_staff(db):
    boss = named_staff("boss", "manager")
    with pytest.raises(NotPermitted, match="manage staff"):
        list_staff(boss)


# ------------------------------------------------------------------- the command line (SQLite)


@pytest.fixture
def cli_db(tmp_path):
    """A SQLite database created through the command line, so its creator is administrator."""
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    created = run_custdesk("--db", url, "setup")
    assert created.returncode == 0, created.stderr
    return url


def test_setup_is_audited_with_who_ran_it(cli_db):
    open_database(cli_db)
    try:
        [event] = AuditEvent.select().where(AuditEvent.action == "setup")
    finally:
        close_database()
    assert (event.staff, event.detail) == (ME, "Brought the schema up to date")


def _other_login() -> str:
    """A login that exists on this machine and is not ours."""
    for name in ("daemon", "nobody", "bin"):
        try:
            if pwd.getpwnam(name).pw_uid != os.getuid():
                return name
        except KeyError:
            continue
    pytest.skip("no second login on this machine")


def test_a_spoofed_user_or_logname_changes_nothing_that_is_recorded(cli_db, tmp_path):
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("Customer Code,Business Name\nS-1,Spoof Ltd\n", encoding="utf-8")
    spoof = {"USER": "someone-else", "LOGNAME": "the CFO", "USERNAME": "ceo"}
    done = run_custdesk("--db", cli_db, "import", str(csv_file), env=spoof)
    assert done.returncode == 0, done.stderr
    open_database(cli_db)
    try:
        assert {event.staff for event in AuditEvent.select()} == {ME}
    finally:
        close_database()


def test_staff_commands_and_their_bad_input(cli_db):
    other = _other_login()
    added = run_custdesk("--db", cli_db, "staff", "add", other, "--role", "staff")
    assert (added.returncode, added.stdout.strip()) == (0, f"Added {other} as staff.")
    listed = run_custdesk("--db", cli_db, "staff", "list")
    assert listed.returncode == 0 and other in listed.stdout and ME in listed.stdout
    for args, message in (
        (("staff", "add", other, "--role", "boss"), "Unknown role 'boss'"),
        (("staff", "set-role", "no-such-login", "staff"), "is not on the staff list"),
        (("staff", "add", "no-such-login-xyz", "--role", "staff"), "There is no login"),
        (("staff", "remove", ME), "last administrator"),
        (("staff", "set-role", ME, "readonly"), "last administrator"),
    ):
        result = run_custdesk("--db", cli_db, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("custdesk: ") and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    again = run_custdesk("--db", cli_db, "staff", "list")
    assert again.stdout == listed.stdout  # nothing changed


def test_a_demoted_clerk_is_refused_on_the_command_line_with_one_line(cli_db, tmp_path):
    other = _other_login()
    assert (
        run_custdesk("--db", cli_db, "staff", "add", other, "--role", "administrator").returncode
        == 0
    )
    assert run_custdesk("--db", cli_db, "staff", "set-role", ME, "readonly").returncode == 0
    exported = run_custdesk("--db", cli_db, "export", str(tmp_path / "out.csv"))
    assert exported.returncode == 1
    assert exported.stderr == (
        "custdesk: Not allowed: your role (readonly) may not export customers.\n"
    )
    assert not (tmp_path / "out.csv").exists()
    listing = run_custdesk("--db", cli_db, "staff", "list")
    assert listing.returncode == 1 and "may not manage staff" in listing.stderr
    assert run_custdesk("--db", cli_db, "staff", "remove", ME).returncode == 1
    open_database(cli_db)
    try:
        refused = [e.detail for e in AuditEvent.select().where(AuditEvent.result == "refused")]
    finally:
        close_database()
    assert len(refused) == 3 and "export customers" in refused[0]


def test_a_login_that_is_not_staff_gets_one_line_and_exit_2(cli_db):
    other = _other_login()
    assert (
        run_custdesk("--db", cli_db, "staff", "add", other, "--role", "administrator").returncode
        == 0
    )
    open_database(cli_db)
    try:
        Staff.delete().where(Staff.login == ME).execute()  # as another administrator would
    finally:
        close_database()
    result = run_custdesk("--db", cli_db, "export", "-")
    assert result.returncode == 2
    assert result.stderr == (
        f"custdesk: '{ME}' is not on this database's staff list; an "
        f"administrator ({other}) can add you with 'custdesk staff add "
        f"{ME} --role ROLE'.\n"
    )


def test_demo_refuses_a_database_that_was_not_created_for_the_demo(cli_db, tmp_path):
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("Customer Code,Business Name\nR-1,Real Ltd\n", encoding="utf-8")
    assert run_custdesk("--db", cli_db, "import", str(csv_file)).returncode == 0
    refused = run_custdesk("--db", cli_db, "demo", "--count", "5")
    assert refused.returncode == 1
    assert "not created as a demo database" in refused.stderr
    assert refused.stderr.count("\n") == 1
    fresh = f"sqlite:///{tmp_path / 'new-demo.db'}"
    assert run_custdesk("--db", fresh, "demo", "--count", "5").returncode == 0
    assert run_custdesk("--db", fresh, "demo", "--count", "5").returncode == 0  # still a demo


def test_a_password_in_the_database_url_is_warned_about(tmp_path):
    url = "postgresql://desk:s3cret@127.0.0.1:1/custdesk"
    result = run_custdesk("--db", url, "outbox")
    assert "warning: the password in --db is visible to every local user (ps)" in result.stderr
    assert "s3cret" not in result.stderr


def test_files_and_folders_are_private_after_a_fresh_start(tmp_path):
    data = tmp_path / "fresh-data"
    env = {"CUSTDESK_DATA_DIR": str(data), "CUSTDESK_CONFIG_DIR": str(tmp_path / "fresh-config")}
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(
        "Customer Code,Business Name,Billing Email\nP-1,Private Ltd,p@example.com\n",
        encoding="utf-8",
    )
    assert run_custdesk("import", str(csv_file), env=env).returncode == 0
    assert run_custdesk("export", str(tmp_path / "out.csv"), env=env).returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    database_files = [path for path in data.iterdir() if path.name.startswith("custdesk.db")]
    assert {path.name for path in database_files} >= {"custdesk.db"}
    for path in [*database_files, tmp_path / "out.csv"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
