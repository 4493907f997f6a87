"""The portal-action flow shared by the list and the detail screen: the customer's summary read
in a worker, the Actions menu and the Yes/No question, the action in a worker (bcrypt, SMTP),
then a toast that says honestly what happened. The flow's models and dialogs load on first use,
so the list paints sooner."""

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.screen import Screen

from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.widgets.keep_running import KeepRunning

if TYPE_CHECKING:
    from models.portal.actions import PortalSummary
    from models.portal.service import ActionReport  # noqa: F401 (named in WorkDone["…"])

ResultT = TypeVar("ResultT")


class PortalActionsScreen(KeepRunning, Screen[ResultT]):
    """A screen that opens the portal Actions menu for a customer: each worker's outcome comes
    back as a message handled here; the menu and the question wait on the clerk in a worker of
    group PORTAL_MENU_GROUP."""

    PORTAL_MENU_GROUP: ClassVar[WorkerGroup] = WorkerGroup.ACTIONS_MENU

    @dataclass
    class SummaryRead(WorkDone["PortalSummary"]):
        """What the Actions menu needs to know about the customer."""

        customer_id: int

    @dataclass
    class ActionDone(WorkDone["ActionReport"]):
        """A confirmed portal action ran (or was refused)."""

        customer_id: int
        label: str
        link_mode: bool

    def open_portal_actions(self, customer_id: int) -> None:
        """Open the Actions menu for a customer, once its summary is read."""
        from models.portal.actions import portal_summary
        from screens.portal_flow import EXPLAINED

        run_db(
            self,
            partial(portal_summary, customer_id, settings_of(self.app).staff),
            partial(self.SummaryRead, customer_id=customer_id),
            group=WorkerGroup.PORTAL_SUMMARY,
            refusals=EXPLAINED,
        )

    def portal_flow_ended(self, customer_id: int) -> None:
        """Called when the flow for a customer ends, whatever happened; a screen that shows the
        portal status reads it again here."""

    @on(SummaryRead)
    def _summary_read(self, event: SummaryRead) -> None:
        from screens.error_report import explain_failure
        from screens.portal_flow import EXPLAINED

        match event.outcome:
            case Done(summary):
                self.run_worker(
                    self._choose_action(event.customer_id, summary),
                    group=self.PORTAL_MENU_GROUP,
                    exclusive=True,
                )
            case Refused(error) | Unexpected(error):
                explain_failure(self.app, error, "Actions", EXPLAINED, title="Actions")
                self.portal_flow_ended(event.customer_id)

    async def _choose_action(self, customer_id: int, summary: "PortalSummary") -> None:
        """The menu, then the Yes/No question; Yes starts the action in a worker thread."""
        from models.portal.actions import ACTION_SEND
        from models.portal.service import perform_action
        from screens.dialogs.actions_menu import ActionsMenu
        from screens.portal_flow import EXPLAINED, confirm_dialog

        app = self.app
        settings = settings_of(app)
        link_mode = bool(settings.portal_url)
        action = await app.push_screen_wait(ActionsMenu(summary))
        if action is None:
            self.portal_flow_ended(customer_id)
            return
        dialog = confirm_dialog(action, summary, link_mode)
        label = summary.choice(action).label
        if not await app.push_screen_wait(dialog):
            app.notify("Nothing was changed.", title=label, markup=False)
            self.portal_flow_ended(customer_id)
            return
        work = partial(
            perform_action,
            action,
            customer_id,
            staff=settings.staff,
            expected_version=summary.version,
            mail_url=settings.mail_url,
            sender=settings.mail_from,
            portal_url=settings.portal_url,
            reason=dialog.reason,
            resend=action == ACTION_SEND and bool(summary.on_its_way),
        )
        reply = partial(self.ActionDone, customer_id=customer_id, label=label, link_mode=link_mode)
        run_db(
            self, work, reply, group=WorkerGroup.PORTAL_ACTION, exclusive=False, refusals=EXPLAINED
        )

    @on(ActionDone)
    def _action_done(self, event: ActionDone) -> None:
        from models.portal.actions import PortalActionRefused
        from screens.error_report import explain_failure
        from screens.portal_flow import EXPLAINED, outcome_message

        label = event.label
        match event.outcome:
            case Done(report):
                text, severity = outcome_message(report, event.link_mode)
                self.app.notify(text, title=label, severity=severity, markup=False, timeout=8)
            case Refused(error) | Unexpected(error):
                severity = "warning" if isinstance(error, PortalActionRefused) else "error"
                explain_failure(self.app, error, label, EXPLAINED, title=label, severity=severity)
        self.portal_flow_ended(event.customer_id)
