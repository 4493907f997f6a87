"""The one way a screen runs database work: a models call in a thread worker, inside
`connection()`, whose outcome comes back to the UI thread as a Message for an `@on` handler.

The worker never touches a widget and never waits for the UI: it posts the outcome (thread-safe)
and ends. The outcome is typed: `Done` with the call's value, `Refused` with one of the refusals
the caller expects (plus NotPermitted and a storage fault, DatabaseUnavailable, always), or
`Unexpected` with anything else (a bug: report it with report_failure, which logs the traceback).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any, Generic, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

from models.staff.permissions import NotPermitted
from models.store.db import DatabaseUnavailable, connection
from screens.error_report import LOGGER

T = TypeVar("T")
ALWAYS_REFUSED: tuple[type[Exception], ...] = (NotPermitted, DatabaseUnavailable)


class WorkerGroup(StrEnum):
    """Every worker group (the name `exclusive` cancels by) of the screens and the app."""

    # the customer list and its table (reads; tests wait for the "customer-" ones)
    CUSTOMER_SEARCH = "customer-search"
    CUSTOMER_COUNT = "customer-count"
    CUSTOMER_CHANGES = "customer-changes"
    CUSTOMER_TABLE_BLOCKS = "customer-table-blocks"
    LIST_CHANGE = "list-change"
    # the list's flows that wait on a dialog
    ACTIONS_MENU = "actions-menu"
    LIST_MERGE = "list-merge"
    LIST_ARCHIVE = "list-archive"
    LIST_CSV = "list-csv"
    LIST_DEMO = "list-demo"
    # the detail screen
    CUSTOMER_LOAD = "customer-load"
    CUSTOMER_SAVE = "customer-save"
    CUSTOMER_CHECK = "customer-check"
    CUSTOMER_DUPLICATES = "customer-duplicates"
    CUSTOMER_PORTAL = "customer-portal"
    # the detail screen's flows that wait on a dialog
    CUSTOMER_CONFLICT = "customer-conflict"
    CUSTOMER_LEAVE = "customer-leave"
    CUSTOMER_ACTIONS = "customer-actions"
    # the record tabs of the detail screen
    RECORD_TAB = "record-tab"
    NOTE_ADD = "note-add"
    NOTE_DELETE = "note-delete"
    NOTE_DELETE_ASK = "note-delete-ask"
    HISTORY_UNDO = "history-undo"
    HISTORY_UNDO_ASK = "history-undo-ask"
    # portal actions (list and detail screen)
    PORTAL_SUMMARY = "portal-summary"
    PORTAL_ACTION = "portal-action"
    # the merge dialog
    MERGE_PREVIEW = "merge-preview"
    MERGE = "merge"
    MERGE_ASK = "merge-ask"
    # the command palette, and the app
    PALETTE_SEARCH = "palette-search"
    DEMO_OFFER = "demo-offer"
    REFUSED_ATTEMPT = "refused-attempt"
    MAIL_DELIVERY = "mail-delivery"


@dataclass(frozen=True)
class Done(Generic[T]):
    """The work finished; `value` is what the models call returned."""

    value: T


@dataclass(frozen=True)
class Refused:
    """models/ refused the work with one of the refusals the caller expects (or NotPermitted,
    or DatabaseUnavailable for a storage fault): the clerk is told why, nothing is logged."""

    error: Exception


@dataclass(frozen=True)
class Unexpected:
    """The work raised something nobody expects: a bug, reported with its traceback."""

    error: Exception


Outcome = Done[T] | Refused | Unexpected  # a generic alias: Outcome[int], Outcome[str]...


@dataclass
class WorkDone(Message, Generic[T], bubble=False):
    """The outcome of one unit of database work, posted to the node that started it. Each
    screen subclasses it (as a dataclass, adding what its handler needs to know) and applies
    it in an `@on` handler. It does not bubble: only the node that asked handles it."""

    outcome: Outcome[T]

    def __init_subclass__(cls, bubble: bool | None = False, **kwargs: Any) -> None:
        super().__init_subclass__(bubble=bubble, **kwargs)


def outcome_of(
    work: Callable[[], T], refusals: tuple[type[Exception], ...], connect: bool = True
) -> Outcome[T]:
    """Run `work` (inside connection() unless `connect` is false) and type what happened."""
    try:
        if not connect:
            return Done(work())
        with connection():
            return Done(work())
    except (*ALWAYS_REFUSED, *refusals) as error:
        return Refused(error)
    except Exception as error:  # noqa: BLE001 (carried to the UI thread, reported there)
        return Unexpected(error)


def _post_outcome(
    node: DOMNode,
    work: Callable[[], T],
    reply: Callable[[Outcome[T]], WorkDone[T]],
    refusals: tuple[type[Exception], ...],
    connect: bool,
) -> None:
    """The body of the thread worker: run the work and post its outcome to `node`."""
    outcome = outcome_of(work, refusals, connect)
    if not node.post_message(reply(outcome)) and isinstance(outcome, Unexpected):
        error = outcome.error  # the node closed meanwhile: the bug still reaches the log
        LOGGER.error("Database work failed after its screen closed", exc_info=error)


def run_db(
    node: DOMNode,
    work: Callable[[], T],
    reply: Callable[[Outcome[T]], WorkDone[T]],
    *,
    group: WorkerGroup,
    exclusive: bool = True,
    refusals: tuple[type[Exception], ...] = (),
    connect: bool = True,
) -> Worker[None]:
    """Run `work` in a thread worker of `node`; `reply(outcome)` is posted back to `node`.

    `reply` is a WorkDone subclass (or a partial of one carrying the handler's context).
    `exclusive` cancels the group's earlier workers of this node (a thread still finishes and
    posts: handlers drop stale outcomes by their context). `connect=False` is for slow work
    that needs no database (validation).
    """
    return node.run_worker(
        partial(_post_outcome, node, work, reply, refusals, connect),
        name=str(group),
        group=group,
        exclusive=exclusive,
        thread=True,
        exit_on_error=False,
    )


async def fetch_db(
    node: DOMNode,
    work: Callable[[], T],
    *,
    group: WorkerGroup,
    refusals: tuple[type[Exception], ...] = (),
) -> Outcome[T]:
    """Run `work` in a thread worker of `node` and return its outcome to the awaiting
    coroutine: only for a pull API that must return what it found (the command palette's
    search generator); everything else uses run_db."""
    worker: Worker[Outcome[T]] = node.run_worker(
        partial(outcome_of, work, refusals),
        name=str(group),
        group=group,
        exclusive=False,
        thread=True,
        exit_on_error=False,
    )
    return await worker.wait()
