"""A save that came second: what the other save changed, who made it and when, and how the
clerk's own edits are merged with it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from models.audit.events import RESULT_DONE
from models.clock import local, shown_time, utcnow
from models.fields import CUSTOMER_FIELDS, FIELDS_BY_NAME
from models.store.tables import AuditEvent

if TYPE_CHECKING:
    from models.customers import CustomerRecord

# Audit actions that move a customer's version on, and how each reads after "<who> ".
SAVE_VERBS = {
    "updated": "saved this customer",
    "imported": "updated this customer from a CSV file",
    "archived": "archived this customer",
    "restored": "restored this customer",
    "merged": "merged another customer into this one",
    "merge_undone": "undid a merge of this customer",
}


@dataclass(frozen=True)
class OtherSave:
    """Who saved the customer last, when (stored UTC), and how (an audit action)."""

    staff: str
    at: datetime
    action: str = "updated"

    def sentence(self, now: datetime | None = None) -> str:
        """ "ada saved this customer at 14:02 CET" in the staff member's time zone (with the date
        when it was not today there)."""
        when = local(self.at)
        day = "" if when.date() == local(now or utcnow()).date() else f" on {when:%Y-%m-%d}"
        verb = SAVE_VERBS.get(self.action, "changed this customer")
        return f"{self.staff} {verb}{day} at {shown_time(self.at, date=False)}"


def last_save(customer_id: int) -> OtherSave | None:
    """The latest audited change that moved the customer's version on, or None."""
    event = (
        AuditEvent.select(AuditEvent.staff, AuditEvent.at, AuditEvent.action)
        .where(
            (AuditEvent.customer == customer_id)
            & AuditEvent.action.in_(list(SAVE_VERBS))
            & (AuditEvent.result == RESULT_DONE)
        )
        .order_by(AuditEvent.id.desc())
        .first()
    )
    return None if event is None else OtherSave(event.staff, event.at, event.action)


@dataclass
class SaveConflict(Exception):
    """Another staff member saved the customer after it was loaded here: their changes, the
    clerk's, who saved last and when, and how many saves came in between."""

    current: "CustomerRecord"  # what is saved now
    theirs: dict[str, tuple[object, object]] = field(default_factory=dict)  # field: (loaded, now)
    mine: dict[str, tuple[object, object]] = field(default_factory=dict)  # field: (loaded, typed)
    saved_by: OtherSave | None = None
    saves: int = 1  # versions since the clerk loaded the customer

    def __str__(self) -> str:
        names = ", ".join(FIELDS_BY_NAME[n].label for n in self.theirs) or "nothing you changed"
        return f"Someone else saved this customer since you opened it (they changed {names})."

    def who_and_when(self, now: datetime | None = None) -> str:
        """ "ada saved this customer at 14:02 CET." and the count of earlier saves, if any."""
        if self.saved_by is None:
            return "Another staff member saved this customer since you opened it."
        text = self.saved_by.sentence(now)
        earlier = self.saves - 1
        if earlier > 0:
            text += (
                f" (after {earlier} other save{'s' if earlier != 1 else ''} since you opened it)"
            )
        return text + "."

    @property
    def fields(self) -> list[str]:
        """The fields to compare, in form order: every field they changed, then every field
        only the clerk changed."""
        return [spec.name for spec in CUSTOMER_FIELDS if spec.name in self.theirs] + [
            spec.name
            for spec in CUSTOMER_FIELDS
            if spec.name in self.mine and spec.name not in self.theirs
        ]

    @property
    def contested(self) -> list[str]:
        """The fields both sides changed to different values, in form order."""
        return [
            spec.name
            for spec in CUSTOMER_FIELDS
            if spec.name in self.theirs
            and spec.name in self.mine
            and self.theirs[spec.name][1] != self.mine[spec.name][1]
        ]

    def kept_edits(self, keep_mine: frozenset[str] | set[str]) -> dict[str, object]:
        """The clerk's typed values to save on top of theirs: every field only the clerk
        changed, and each field both changed that the clerk chose to keep."""
        return {
            name: typed
            for name, (_loaded, typed) in self.mine.items()
            if name not in self.theirs or name in keep_mine
        }
