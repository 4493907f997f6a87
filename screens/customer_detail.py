"""The customer detail screen: every field in three tabs, saved safely.

Keys: ctrl+s saves, escape leaves (asking first when something changed), tab/shift+tab move,
F2-F7 show the Info, Addresses, Options, Notes, History and Access log tabs from anywhere,
F8 copies the billing address to the shipping address, ctrl+o opens the Actions menu. While a
new customer is typed, a line warns of likely duplicates.
"""

import time
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Footer,
    Input,
    RadioSet,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)

from models.customers import (
    CustomerNotFound,
    CustomerRecord,
    SaveConflict,
    ValidationFailed,
    empty_values,
    load_customer,
    save_customer,
)
from models.duplicates import DuplicateMatch, find_duplicates_of
from models.fields import CUSTOMER_FIELDS, FIELDS_BY_NAME, label
from models.portal.status import portal_status_label
from models.staff.permissions import Permission
from models.staff.session import StaffSession
from models.text.email_lookalike import lookalike_warning
from models.transfer.import_run import waited_note
from models.validation import ValidationResult, country_choices, validate_customer
from screens.db_work import Done, Refused, Unexpected, WorkDone, WorkerGroup, run_db
from screens.desk_app import settings_of
from screens.error_report import report_failure
from screens.portal_actions import PortalActionsScreen
from screens.role_gate import RoleGated
from screens.widgets.access_log_tab import AccessLogTab
from screens.widgets.address_form import AddressForm
from screens.widgets.form_fields import FieldRow, TaxExemptChoice, TextEditor, YesNoSwitch
from screens.widgets.history_tab import HistoryTab
from screens.widgets.keep_running import KeepRunning
from screens.widgets.notes_tab import NotesTab, RecordTab
from screens.widgets.safe_text import safe, safe_text
from styles import stylesheet

TABS = {
    "info": "f2",
    "addresses": "f3",
    "advanced": "f4",
    "notes": "f5",
    "history": "f6",
    "access": "f7",
}
TAB_TITLES = {  # short (80 columns), and the seeds' words where they fit
    "info": ("Info", "Customer Information"),
    "addresses": ("Addresses", "Billing & Shipping"),
    "advanced": ("Options", "Advanced Options"),
}
PANEL_HEADINGS = {  # the seeds' heading of each form panel
    "info": "Customer Information",
    "addresses": "Billing and Shipping",
    "advanced": "Advanced Options",
}
LONG_TITLES_WIDTH = 100  # from this many columns the tabs carry the seeds' words
RECORD_TABS = ("notes", "history", "access")  # rows about a saved customer, read when shown
DUPLICATE_DELAY = 0.3  # seconds of quiet typing before a new customer is checked for duplicates
INFO_FIELDS = ("code", "business_name", "contact_name")
NOT_READ_OR_SAVED = "The customer could not be read or saved"


class FormScroll(KeepRunning, VerticalScroll):
    """A scrolling form; it is no stop of its own for tab, the fields are."""

    can_focus = False


def _panel_heading(pane: str) -> Static:
    """The seeds' heading at the top of a form panel."""
    return Static(Content(PANEL_HEADINGS[pane]), classes="panel-heading")


class SteadyFooter(KeepRunning, Footer):
    """A Footer redrawn only when the keys it shows change, not on every move between fields."""

    _keys: tuple[tuple[str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        """Redraw when the shown keys differ from those on show."""
        keys = tuple(
            (binding.key, binding.description, enabled)
            for _node, binding, enabled, _tip in screen.active_bindings.values()
            if binding.show
        )
        if keys != self._keys:
            self._keys = keys
            super().bindings_changed(screen)


def _read_customer(customer_id: int | None) -> tuple[CustomerRecord, str]:
    """The customer (a blank one for None) and its portal status (runs in a worker thread)."""
    country_choices()  # the pickers' list, read once in the background
    record = (
        load_customer(customer_id)
        if customer_id is not None
        else CustomerRecord(None, 0, empty_values())
    )
    return record, portal_status_label(customer_id)


def _save_and_read(
    loaded: CustomerRecord, values: dict[str, object], staff: StaffSession, sender: str
) -> tuple[CustomerRecord, str, str | None]:
    """Save the edits and read the portal status again (runs in a worker thread); with the note
    to show when the save had to wait for an import's chunk."""
    started = time.monotonic()
    saved = save_customer(loaded, values, staff, sender=sender)
    waited = waited_note(time.monotonic() - started)
    return saved, portal_status_label(saved.id), waited


class CustomerDetailScreen(RoleGated, PortalActionsScreen[int | None]):
    """Read and correct one customer (or create one: customer_id None); dismisses with its id."""

    PORTAL_MENU_GROUP = WorkerGroup.CUSTOMER_ACTIONS

    @dataclass
    class Loaded(WorkDone[tuple[CustomerRecord, str]]):
        """The customer and its portal status were read (or not)."""

    @dataclass
    class Saved(WorkDone[tuple[CustomerRecord, str, str | None]]):
        """The edits of `loaded` were saved (or refused)."""

        loaded: CustomerRecord

    @dataclass
    class Checked(WorkDone[ValidationResult]):
        """What is typed (`values`) was checked field by field."""

        values: dict[str, object]

    @dataclass
    class DuplicatesFound(WorkDone[list[DuplicateMatch]]):
        """The likely duplicates of what is typed."""

    @dataclass
    class PortalRead(WorkDone[str]):
        """The portal status, read again after an action."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [stylesheet("detail.tcss")]
    # textual annotates this `ClassVar[...] | None`, which mypy reads as an instance variable
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [  # type: ignore[misc]
        (0, "-narrow"),
        (120, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "leave", "Back"),
        Binding(TABS["info"], "show_tab('info')", "Tabs", key_display="f2-f7"),
        Binding(TABS["addresses"], "show_tab('addresses')", "Addresses", show=False),
        Binding(TABS["advanced"], "show_tab('advanced')", "Options", show=False),
        Binding(TABS["notes"], "show_tab('notes')", "Notes", show=False),
        # the note editor uses F6/F7 to select; here they switch tabs
        Binding(TABS["history"], "show_tab('history')", "History", show=False, priority=True),
        Binding(TABS["access"], "show_tab('access')", "Access log", show=False, priority=True),
        Binding("f8", "copy_billing", "Bill→Ship"),
        Binding("ctrl+o", "actions", "Actions"),
    ]
    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "save": Permission.EDIT,
        "copy_billing": Permission.EDIT,
    }

    def __init__(self, customer_id: int | None):
        super().__init__()
        self.customer_id = customer_id
        self._record: CustomerRecord | None = None
        self._shown: dict[str, object] = {}  # the editors' values as last loaded or saved
        self._marked: dict[str, object] = {}  # field: the value it had when marked invalid
        self._portal = ""
        self._state_shown: str | None = None
        self._row_cache: dict[str, FieldRow] = {}
        self._saving = False
        self._leave_after_save = False
        self._duplicate_timer: Timer | None = None
        self._long_titles = False  # whether the form tabs show the seeds' words

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="detail-header"):
            yield Static(id="header-code")
            yield Static(id="header-name")
            yield Static(id="header-state")
            yield Static(id="header-portal")
            yield Button("Actions", id="actions", compact=True)
        yield Static(id="duplicate-warning", markup=False)
        self._long_titles = self.app.size.width >= LONG_TITLES_WIDTH
        with TabbedContent(initial="info", id="detail-tabs"):
            with TabPane(self._tab_title("info"), id="info"), FormScroll(classes="form"):
                yield _panel_heading("info")
                yield FieldRow(
                    "code", TextEditor(FIELDS_BY_NAME["code"], "left blank: generated on save")
                )
                for name in INFO_FIELDS[1:]:
                    yield FieldRow(name, TextEditor(FIELDS_BY_NAME[name]))
            with TabPane(self._tab_title("addresses"), id="addresses"), FormScroll(classes="form"):
                yield _panel_heading("addresses")
                with Container(id="address-columns"):
                    yield AddressForm("billing")
                    yield AddressForm("shipping")
            with TabPane(self._tab_title("advanced"), id="advanced"), FormScroll(classes="form"):
                yield _panel_heading("advanced")
                yield FieldRow("tax_exempt", TaxExemptChoice("tax_exempt"), "Tax-Exempt")
                yield FieldRow("vat_number", TextEditor(FIELDS_BY_NAME["vat_number"]))
                yield FieldRow("accepts_marketing", YesNoSwitch("accepts_marketing"))
                yield FieldRow("wholesale", YesNoSwitch("wholesale"))
            with TabPane("Notes", id="notes"):
                yield NotesTab(id="notes-tab")
            with TabPane("History", id="history"):
                yield HistoryTab(id="history-tab")
            with TabPane("Access log", id="access"):
                yield AccessLogTab(id="access-tab")
        yield SteadyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        """Read the customer (or start a blank one) without blocking the screen."""
        self.query_one("#detail-tabs").loading = True
        self._load(self.customer_id)

    # ----------------------------------------------------------------- the form

    def _rows(self) -> dict[str, FieldRow]:
        """Every field's row, in form order (found once: the form never changes shape)."""
        if not self._row_cache:
            self._row_cache = {row.field: row for row in self.query(FieldRow)}
        return self._row_cache

    def _collect(self) -> dict[str, object]:
        """What every editor holds now."""
        return {name: row.value for name, row in self._rows().items()}

    def changed_fields(self) -> list[str]:
        """The fields edited since the customer was loaded or saved, in form order."""
        now = self._collect()
        return [
            spec.name
            for spec in CUSTOMER_FIELDS
            if spec.name in now and now[spec.name] != self._shown.get(spec.name)
        ]

    def _fill(self, values: dict[str, object]) -> None:
        """Show stored values in every editor (in form order: a country before its state)."""
        for name, row in self._rows().items():
            row.editor.show_value(values.get(name))

    def _show_record(self, record: CustomerRecord, portal: str | None) -> None:
        """Show a freshly read or saved customer; nothing is changed after this."""
        self._record = record
        self.customer_id = record.id
        self._fill(record.values)
        self._shown = self._collect()
        self._mark_all({})
        self._show_header(portal)
        if record.id is not None:
            self._show_duplicates([])
        self._show_record_tab()

    def _show_header(self, portal: str | None = None) -> None:
        if portal is not None:
            self._portal = portal
        record = self._record
        if record is None or not self.is_attached:
            return
        code = record.code or str(record.values.get("code") or "")
        self.query_one("#header-code", Static).update(
            safe_text(code if record.id is not None else "New customer", "bold")
        )
        self.query_one("#header-name", Static).update(safe_text(record.display_name))
        self._show_state()
        self.query_one("#header-portal", Static).update(Text(f"Portal: {self._portal}"))

    def _state_words(self) -> str:
        words = []
        if self._record is not None and self._record.archived:
            words.append("archived")
        if self._shown and self.changed_fields():
            words.append("modified")
        return " ".join(words)

    def _mark_all(self, errors: dict[str, str]) -> None:
        """Mark each invalid field beside it with its message and clear the others."""
        now = self._collect()
        self._marked = {name: now.get(name) for name in errors}
        for name, row in self._rows().items():
            row.mark(errors.get(name))

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(RadioSet.Changed)
    def _edited(self, event: Input.Changed | Switch.Changed | RadioSet.Changed) -> None:
        """An edit clears that field's mark once its value differs from the one marked."""
        try:
            row = event.control.query_ancestor(FieldRow)
        except NoMatches:
            return
        if row.field in self._marked and row.value != self._marked[row.field]:
            del self._marked[row.field]
            row.mark(None)
        spec = FIELDS_BY_NAME.get(row.field)
        if spec is not None and spec.kind == "email":
            row.warn(lookalike_warning(row.value))
        self._show_state()
        if self._record is not None and self._record.id is None:
            self._duplicates_soon()

    def _show_state(self) -> None:
        """Say in the header whether the customer is archived or has unsaved changes."""
        words = self._state_words()
        if words != self._state_shown:
            self._state_shown = words
            self.query_one("#header-state", Static).update(Text(words))

    def on_descendant_blur(self) -> None:
        """Leaving a field checks the edited fields, so a mistake is marked before saving."""
        if self._record is not None and (self._marked or self.changed_fields()):
            self._check_fields(self._collect())

    def _check_fields(self, values: dict[str, object]) -> None:
        """Run the models' validation on what is typed, in a worker thread."""
        run_db(
            self,
            partial(validate_customer, values),
            partial(self.Checked, values=values),
            group=WorkerGroup.CUSTOMER_CHECK,
            connect=False,
        )

    @on(Checked)
    def _fields_checked(self, event: Checked) -> None:
        match event.outcome:
            case Done(result):
                self._checked(event.values, result.errors)
            case Refused(error) | Unexpected(error):
                report_failure(self.app, "The fields could not be checked", error)

    def _checked(self, values: dict[str, object], errors: dict[str, str]) -> None:
        """Mark or clear the edited (and the already marked) fields; nothing else is judged
        before the clerk saves."""
        if not self.is_attached or self._collect() != values:
            return  # the clerk typed on meanwhile: the next blur checks again
        rows = self._rows()
        for name in {*self.changed_fields(), *self._marked}:
            rows[name].mark(errors.get(name))
            if name in errors:
                self._marked[name] = values[name]
            else:
                self._marked.pop(name, None)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter in a text box moves on, as tab does."""
        event.stop()
        self.focus_next()

    # ----------------------------------------------------------------- loading

    def _load(self, customer_id: int | None) -> None:
        """Read the customer and its portal status in a worker thread."""
        run_db(
            self,
            partial(_read_customer, customer_id),
            self.Loaded,
            group=WorkerGroup.CUSTOMER_LOAD,
            refusals=(CustomerNotFound,),
        )

    @on(Loaded)
    def _customer_read(self, event: Loaded) -> None:
        match event.outcome:
            case Done((record, portal)):
                self._loaded(record, portal)
            case Refused(CustomerNotFound() as gone):
                self._gone(str(gone))
            case Refused(error) | Unexpected(error):
                self.query_one("#detail-tabs").loading = False
                report_failure(self.app, NOT_READ_OR_SAVED, error)

    def _loaded(self, record: CustomerRecord, portal: str) -> None:
        if not self.is_attached:  # the clerk left before the customer arrived
            return
        self._show_record(record, portal)
        self.query_one("#detail-tabs").loading = False
        first = "code" if record.id is not None else "business_name"
        self.call_after_refresh(self._rows()[first].focus_editor)

    def _gone(self, message: str) -> None:
        """The customer no longer exists: say so and go back."""
        self.notify(safe(message), title="Customer not found", severity="error", markup=False)
        if self.is_current:
            self.dismiss(None)

    # ----------------------------------------------------------------- saving

    def action_save(self) -> None:
        """Save the edits (or create the new customer); nothing is written if nothing changed."""
        if self._record is None or self._saving:
            return
        changed = self.changed_fields()
        if self._record.id is not None and not changed:
            self.notify("No changes to save.", markup=False)
            if self._leave_after_save:
                self._leave()
            return
        now = self._collect()
        values = now if self._record.id is None else {name: now[name] for name in changed}
        self._saving = True
        self._save(
            self._record, values, settings_of(self.app).staff, settings_of(self.app).mail_from
        )

    def _save(
        self, loaded: CustomerRecord, values: dict[str, object], staff: StaffSession, sender: str
    ) -> None:
        """Validate and write in a worker thread; the outcome comes back as Saved."""
        run_db(
            self,
            partial(_save_and_read, loaded, values, staff, sender),
            partial(self.Saved, loaded=loaded),
            group=WorkerGroup.CUSTOMER_SAVE,
            exclusive=False,
            refusals=(ValidationFailed, SaveConflict, CustomerNotFound),
        )

    @on(Saved)
    def _save_ended(self, event: Saved) -> None:
        match event.outcome:
            case Done((saved, portal, waited)):
                self._saved(event.loaded, saved, portal)
                if waited:
                    self.notify(safe(waited), markup=False)
            case Refused(ValidationFailed() as failure):
                self._invalid(failure.errors)
            case Refused(SaveConflict() as conflict):
                self._conflicted(conflict)
            case Refused(CustomerNotFound() as gone):
                self._saving = False
                self._gone(str(gone))
            case Refused(error) | Unexpected(error):
                self._saving = False
                self._leave_after_save = False
                report_failure(self.app, NOT_READ_OR_SAVED, error)

    def _saved(self, loaded: CustomerRecord, saved: CustomerRecord, portal: str) -> None:
        self._saving = False
        if self.is_attached:
            self._show_record(saved, portal)
        if loaded.id is None:
            self.notify(f"Customer {safe(saved.code)} created.", markup=False)
        elif saved.version == loaded.version:
            self.notify("No changes to save: the values are the same as stored.", markup=False)
        else:
            self.notify(
                f"Customer {safe(saved.code)} saved. {safe(saved.notice)}".strip(),
                markup=False,
                timeout=8 if saved.notice else None,
            )
        if self._leave_after_save:
            self._leave()

    def _invalid(self, errors: dict[str, str]) -> None:
        """Mark every invalid field, go to the first one, and say what failed."""
        self._saving = False
        self._leave_after_save = False
        if not self.is_attached:
            return
        self._mark_all(errors)
        invalid = [spec.name for spec in CUSTOMER_FIELDS if spec.name in errors]
        if invalid:
            self._go_to(invalid[0])
        names = ", ".join(label(name) for name in invalid) or safe("; ".join(errors.values()))
        count = len(invalid) or len(errors)
        self.notify(
            f"Not saved: {count} field{'s' if count != 1 else ''} to correct: {names}.",
            title="Not saved",
            severity="error",
            markup=False,
        )

    def _go_to(self, name: str) -> None:
        """Show the tab of a field and put the cursor in it."""
        row = self._rows()[name]
        pane = row.query_ancestor(TabPane)
        self.query_one(TabbedContent).active = pane.id or "info"
        self.call_after_refresh(row.focus_editor)

    # ----------------------------------------------------------------- conflicts

    def _conflicted(self, conflict: SaveConflict) -> None:
        self._saving = False
        if self.is_attached:
            self._resolve_conflict(conflict)

    @work(exclusive=True, group=WorkerGroup.CUSTOMER_CONFLICT)
    async def _resolve_conflict(self, conflict: SaveConflict) -> None:
        """Show their values beside the clerk's; reload, or save with the clerk's choices."""
        from screens.dialogs.conflict_dialog import RELOAD, ConflictDialog

        choice = await self.app.push_screen_wait(ConflictDialog(conflict))
        if choice is None:
            self._leave_after_save = False
            self.notify(
                "Not saved: someone else saved this customer first. Press ctrl+s to compare again.",
                title="Not saved",
                severity="warning",
                markup=False,
            )
            return
        if choice.action == RELOAD:
            self._leave_after_save = False
            self._show_record(conflict.current, None)
            self.notify(
                "Reloaded: the form shows what is saved now; your changes were dropped.",
                markup=False,
            )
            return
        kept = conflict.kept_edits(choice.keep_mine)
        self._show_record(conflict.current, None)
        rows = self._rows()
        for name, value in kept.items():
            rows[name].editor.show_value(value)
        self.action_save()

    # ----------------------------------------------------------------- leaving

    def action_leave(self) -> None:
        """Go back; when something changed, ask Save / Discard / Cancel first."""
        if self._record is None or not self.changed_fields():
            self._leave()
            return
        self._ask_before_leaving()

    @work(exclusive=True, group=WorkerGroup.CUSTOMER_LEAVE)
    async def _ask_before_leaving(self) -> None:
        from screens.dialogs.unsaved_dialog import DISCARD, SAVE, UnsavedDialog

        answer = await self.app.push_screen_wait(
            UnsavedDialog([label(name) for name in self.changed_fields()])
        )
        if answer == SAVE:
            self._leave_after_save = True
            self.action_save()
        elif answer == DISCARD:
            self._leave()

    def _leave(self) -> None:
        self._leave_after_save = False
        if self.is_current:
            self.dismiss(self.customer_id)

    # ----------------------------------------------------------------- tabs and keys

    def _tab_title(self, pane: str) -> Content:
        """A form tab's title: the seeds' words when the screen is wide enough, else short."""
        short, full = TAB_TITLES[pane]
        return Content(full if self._long_titles else short)

    def on_resize(self, event: Resize) -> None:
        """Switch the form tabs between their short titles and the seeds' words."""
        long_titles = event.size.width >= LONG_TITLES_WIDTH
        if long_titles != self._long_titles:
            self._long_titles = long_titles
            tabs = self.query_one(TabbedContent)
            for pane in TAB_TITLES:
                tabs.get_tab(pane).label = self._tab_title(pane)

    def action_show_tab(self, tab: str) -> None:
        """Show a tab and put the cursor in its first field."""
        self.query_one(TabbedContent).active = tab
        pane = self.query_one(f"#{tab}", TabPane)
        rows = list(pane.query(FieldRow))
        if rows:
            self.call_after_refresh(rows[0].focus_editor)
        elif tab in RECORD_TABS:
            self.call_after_refresh(pane.query_one(RecordTab).focus_first)

    def focus_field(self, name: str) -> None:
        """Show the tab that holds a field and put the cursor in it (the palette's field jump)."""
        row = self.query_one(f"#row-{name}", FieldRow)
        pane = next(node for node in row.ancestors if isinstance(node, TabPane))
        if pane.id is None:
            raise ValueError("A tab of the detail screen has no id.")
        self.query_one(TabbedContent).active = pane.id
        self.call_after_refresh(row.focus_editor)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        """A record tab reads its rows afresh each time it is shown."""
        self._show_record_tab()

    def _show_record_tab(self) -> None:
        active = self.query_one(TabbedContent).active
        if active in RECORD_TABS and self._record is not None:
            self.query_one(f"#{active}-tab", RecordTab).show_customer(self.customer_id)

    @on(HistoryTab.CustomerChanged)
    def _changed_elsewhere(self) -> None:
        """An undone merge changed the customer: read it again (edits not saved are dropped)."""
        if self.customer_id is not None:
            self._load(self.customer_id)

    # ----------------------------------------------------------------- duplicates

    def _duplicates_soon(self) -> None:
        """Check the new customer for duplicates once the clerk pauses typing."""
        if self._duplicate_timer is not None:
            self._duplicate_timer.stop()
        self._duplicate_timer = self.set_timer(DUPLICATE_DELAY, self._check_duplicates)

    def _check_duplicates(self) -> None:
        self._duplicate_timer = None
        if self._record is not None and self._record.id is None:
            self._find_duplicates(self._collect())

    def _find_duplicates(self, values: dict[str, object]) -> None:
        """Look for likely duplicates of what is typed, in a worker thread."""
        run_db(
            self,
            partial(find_duplicates_of, values),
            self.DuplicatesFound,
            group=WorkerGroup.CUSTOMER_DUPLICATES,
        )

    @on(DuplicatesFound)
    def _duplicates_found(self, event: DuplicatesFound) -> None:
        match event.outcome:
            case Done(matches):
                self._show_duplicates(matches)
            case Refused(error) | Unexpected(error):
                report_failure(self.app, "Could not look for likely duplicates", error)

    def _show_duplicates(self, matches: list[DuplicateMatch]) -> None:
        """Show the likely duplicates in the warning line (hidden when there are none)."""
        if not self.is_attached:
            return
        if self._record is not None and self._record.id is not None:
            matches = []
        warning = self.query_one("#duplicate-warning", Static)
        warning.update(Text("\n".join(safe(match.message) for match in matches)))
        warning.set_class(bool(matches), "-shown")

    def action_copy_billing(self) -> None:
        """Copy what is typed in the billing address to the shipping address."""
        self.query_one("#shipping-address", AddressForm).copy_from(
            self.query_one("#billing-address", AddressForm)
        )
        self.query_one(TabbedContent).active = "addresses"
        self.notify(
            "Billing address copied to the shipping address; ctrl+s saves it.", markup=False
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Actions button."""
        if event.button.id == "actions":
            event.stop()
            self.action_actions()

    def action_actions(self) -> None:
        """Open the portal Actions menu for this customer."""
        if self.customer_id is None:
            self.notify(
                "Save the new customer first: portal actions need a saved customer.",
                severity="warning",
                markup=False,
            )
            return
        self.open_portal_actions(self.customer_id)

    def portal_flow_ended(self, customer_id: int) -> None:
        """Read the portal status again after the Actions menu."""
        run_db(
            self,
            partial(portal_status_label, customer_id),
            self.PortalRead,
            group=WorkerGroup.CUSTOMER_PORTAL,
        )

    @on(PortalRead)
    def _portal_read(self, event: PortalRead) -> None:
        match event.outcome:
            case Done(portal):
                self._show_header(portal)
            case Refused(error) | Unexpected(error):
                report_failure(self.app, "The portal status could not be read", error)
