"""Database work runs in thread workers and comes back as typed messages (screens/db_work.py):
a refusal arrives as a refusal, a storage fault as a storage fault, and a bug in a handler on
the UI side is a bug, never "could not be read or saved"."""

from dataclasses import dataclass

from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk, named_staff
from support.waiting import settle
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from models.customers import CustomerNotFound, create_customer, load_customer
from models.staff.permissions import ROLE_READONLY, NotPermitted
from models.store.db import DatabaseUnavailable, database
from models.store.tables import Staff
from screens.customer_detail import CustomerDetailScreen
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db

SIZE = (80, 24)


def toasts(app: App) -> list[tuple[str, str]]:
    """(title, message) of every toast so far."""
    return [(note.title, note.message) for note in app._notifications]


# ------------------------------------------------------------------------- the helper alone


@dataclass
class Answered(WorkDone[int]):
    """What the probe's work came to."""

    asked: str


class Probe(Static):
    """A widget that runs work through run_db and keeps the outcomes its handler saw."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[str, object] = {}
        self.threads: dict[str, bool] = {}

    def ask(self, asked: str, work, **options) -> None:
        run_db(self, work, lambda outcome: Answered(outcome, asked=asked), **options)

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        self.outcomes[event.asked] = event.outcome


class ProbeApp(App):
    """The probe alone."""

    def compose(self) -> ComposeResult:
        yield Probe()


def refuse() -> int:
    raise CustomerNotFound("Customer 7 no longer exists.")


def storage_fault() -> int:
    raise DatabaseUnavailable("The disk holding custdesk.db is full: free some space.")


def not_allowed() -> int:
    raise NotPermitted("Not allowed: your role (readonly) may not do that.")


def bug() -> int:
    raise ZeroDivisionError("division by zero")


async def test_each_outcome_arrives_typed_as_a_message_to_the_node_that_asked(sqlite_url):
    with opened_sqlite(sqlite_url):
        app = ProbeApp()
        async with app.run_test() as pilot:
            probe = app.query_one(Probe)
            group = WorkerGroup.CUSTOMER_LOAD
            probe.ask("done", lambda: 6 * 7, group=group, exclusive=False)
            probe.ask(
                "read",
                lambda: database.execute_sql("SELECT 7").fetchone()[0],
                group=group,
                exclusive=False,
            )
            probe.ask("refused", refuse, group=group, exclusive=False, refusals=(CustomerNotFound,))
            probe.ask("fault", storage_fault, group=group, exclusive=False)
            probe.ask("role", not_allowed, group=group, exclusive=False)
            probe.ask("bug", bug, group=group, exclusive=False)
            probe.ask("not expected", refuse, group=group, exclusive=False)
            await app.workers.wait_for_complete()
            await pilot.pause()
    outcomes = probe.outcomes
    assert outcomes["done"] == Done(42)
    assert outcomes["read"] == Done(7)  # inside connection(), on the worker's own thread
    assert isinstance(outcomes["refused"], Refused)
    assert isinstance(outcomes["refused"].error, CustomerNotFound)
    assert isinstance(outcomes["fault"], Refused)  # a storage fault is always expected
    assert isinstance(outcomes["role"], Refused)  # so is a refusal for the role
    assert isinstance(outcomes["bug"], Unexpected)
    assert isinstance(outcomes["bug"].error, ZeroDivisionError)
    assert isinstance(outcomes["not expected"], Unexpected)  # a refusal nobody named


async def test_worker_groups_are_the_enum(sqlite_url):
    with opened_sqlite(sqlite_url):
        app = ProbeApp()
        async with app.run_test():
            probe = app.query_one(Probe)
            probe.ask("x", lambda: 1, group=WorkerGroup.NOTE_ADD)
            [worker] = list(app.workers)
            assert worker.group is WorkerGroup.NOTE_ADD and worker.group == "note-add"
            await app.workers.wait_for_complete()


# ------------------------------------------------------------------------- on the detail screen


async def open_detail(app: DetailApp, pilot) -> CustomerDetailScreen:
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CustomerDetailScreen)
    return screen


async def test_a_bug_in_a_handler_is_reported_as_a_bug_not_as_a_storage_fault(
    sqlite_url, monkeypatch
):
    def broken(*_args) -> None:
        raise ZeroDivisionError("a bug on the UI side")

    with opened_sqlite(sqlite_url):
        customer = create_customer(SAMPLE, desk())
        monkeypatch.setattr(CustomerDetailScreen, "_show_record", broken)
        app = DetailApp(sqlite_url, customer.id)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, CustomerDetailScreen)
            [(title, message)] = toasts(app)
    assert title == "Something went wrong"
    assert message.startswith("Unexpected error (ZeroDivisionError): a bug on the UI side.")
    assert "could not be read or saved" not in message


async def test_a_save_refused_for_the_role_says_not_allowed_and_keeps_the_edit(sqlite_url):
    with opened_sqlite(sqlite_url):
        customer = create_customer(SAMPLE, desk())
        named_staff("boss", "administrator")
        app = DetailApp(sqlite_url, customer.id)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            screen = await open_detail(app, pilot)
            # an administrator makes this clerk readonly while the screen is open
            Staff.update(role=ROLE_READONLY).where(Staff.login == desk().login).execute()
            screen.query_one("#row-business_name Input", Input).value = "Maple Leaf Trading"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert toasts(app) == [
                (
                    "Not allowed",
                    (
                        "Not allowed: your role (readonly) may not create and edit customers "
                        "and notes."
                    ),
                )
            ]
            assert screen.changed_fields() == ["business_name"]
            assert not screen._saving  # the next ctrl+s tries again
        assert load_customer(customer.id).values["business_name"] == SAMPLE["business_name"]
