"""Creating, reading and saving customers: validated, version-checked and audited."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import peewee as pw

from models.aliases import code_is_alias, taken_alias_keys
from models.audit.events import record_event
from models.billing_email import FollowRefused, follow_billing_email
from models.clock import utcnow
from models.duplicates import settle_changes
from models.fields import CUSTOMER_FIELDS, display_name
from models.save_conflict import SaveConflict, last_save
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import Counter, Customer
from models.validation import validate_customer

CODE_COUNTER = "customer_code"
CODE_PREFIX = "CST-"
CODE_LOOKUP_ROWS = 900  # codes checked a query when reserving many


class ValidationFailed(Exception):
    """Some fields are not valid; `errors` maps each field name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class CustomerNotFound(Exception):
    """No customer has that id."""


@dataclass
class CustomerRecord:
    """A snapshot of one customer's editable values, with the version it was read at."""

    id: int | None
    version: int
    values: dict[str, object]
    code: str = ""
    archived: bool = False
    notice: str = ""  # what the save that returned this record also did, for the clerk

    @property
    def saved_id(self) -> int:
        """The id of a customer already saved (a new record has none yet: asking is an error)."""
        if self.id is None:
            raise ValueError("This customer is not saved yet, so it has no id.")
        return self.id

    @property
    def display_name(self) -> str:
        """The business name, or else the contact name."""
        return display_name(self.values.get("business_name"), self.values.get("contact_name"))


def has_customers() -> bool:
    """Whether the open database holds any customer at all (archived ones too)."""
    return Customer.select().exists()


def empty_values() -> dict[str, object]:
    """The values of a new, blank customer."""
    return {
        spec.name: (False if spec.kind == "bool" else "no" if spec.kind == "choice" else "")
        for spec in CUSTOMER_FIELDS
    }


def customer_values(customer: Customer) -> dict[str, object]:
    """The editable values of a customer row."""
    return {spec.name: getattr(customer, spec.name) for spec in CUSTOMER_FIELDS}


def _record(customer: Customer) -> CustomerRecord:
    return CustomerRecord(
        customer.id,
        customer.version,
        customer_values(customer),
        customer.code,
        customer.archived_at is not None,
    )


def load_customer(customer_id: int) -> CustomerRecord:
    """The current values of one customer."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} no longer exists.")
    return _record(customer)


def code_key(code: str) -> str:
    """The form of a code that uniqueness is checked on: case does not count."""
    return code.casefold()


def reserve_customer_codes(count: int, also_taken: AbstractSet[str] = frozenset()) -> list[str]:
    """`count` generated codes no customer holds and none of `also_taken` (code keys), moving
    the code counter past them; call inside the write transaction."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = count - len(codes)
        Counter.update(value=Counter.value + wanted).where(Counter.name == CODE_COUNTER).execute()
        last = Counter.select(Counter.value).where(Counter.name == CODE_COUNTER).scalar()
        candidates = [f"{CODE_PREFIX}{number:06d}" for number in range(last - wanted + 1, last + 1)]
        taken: set[str] = set()
        for start in range(0, len(candidates), CODE_LOOKUP_ROWS):
            keys = [code_key(code) for code in candidates[start : start + CODE_LOOKUP_ROWS]]
            taken.update(
                Customer.select(Customer.code_key).where(Customer.code_key.in_(keys)).scalars()
            )
            taken.update(taken_alias_keys(keys))
        codes += [
            code
            for code in candidates
            if code_key(code) not in taken and code_key(code) not in also_taken
        ]
    return codes


def next_customer_code() -> str:
    """The next generated code, never used before; call inside the write transaction."""
    return reserve_customer_codes(1)[0]


def _code_holder_error(code: str, own_id: int | None) -> str | None:
    """The message for a code another customer already holds, or None when it is free."""
    survivor = code_is_alias(code_key(code))
    if survivor is not None:
        return (
            f"Customer Code {code} is reserved: it belonged to a customer merged into "
            f"{survivor}, and still finds {survivor}."
        )
    query = Customer.select(Customer.code, Customer.business_name, Customer.contact_name).where(
        Customer.code_key == code_key(code)
    )
    if own_id is not None:
        query = query.where(Customer.id != own_id)
    holder = query.first()
    if holder is None:
        return None
    return f"Customer Code {code} is already used by {holder.code} ({holder.display_name})."


def _check_code(values: dict[str, object], own_id: int | None) -> None:
    """Fill a blank code and make sure the code is free; inside the write transaction."""
    if not values.get("code"):
        values["code"] = next_customer_code()
        return
    message = _code_holder_error(str(values["code"]), own_id)
    if message:
        raise ValidationFailed({"code": message})


def _clean(values: dict[str, object]) -> dict[str, object]:
    result = validate_customer(values)
    if not result.ok:
        raise ValidationFailed(result.errors)
    return result.values


def create_customer(values: dict[str, object], staff: StaffSession) -> CustomerRecord:
    """Validate and insert a new customer, generating its code if blank; audited."""
    authorize(staff, Permission.EDIT)
    clean = {**empty_values(), **_clean(values)}
    try:
        with write_transaction():
            _check_code(clean, None)
            customer = Customer.create(code_key=code_key(str(clean["code"])), **clean)
            settle_changes()
            record_event(
                customer.id,
                staff,
                "created",
                {k: (None, v) for k, v in clean.items() if v not in ("", False)},
            )
    except pw.IntegrityError as error:  # a concurrent insert took the same code first
        raise ValidationFailed(
            {"code": _code_holder_error(str(clean["code"]), None) or str(error)}
        ) from error
    return _record(customer)


def save_customer(
    loaded: CustomerRecord, values: dict[str, object], staff: StaffSession, sender: str = ""
) -> CustomerRecord:
    """Save changes to a loaded customer, unless someone else saved it meanwhile (SaveConflict).

    A new billing email moves the portal sign-in with it, and queues a notice from `sender` to
    the old and the new address, in the same transaction; the record's `notice` says so."""
    if loaded.id is None:
        return create_customer(values, staff)
    authorize(staff, Permission.EDIT, loaded.id)
    clean = _clean({**loaded.values, **values})
    changes = {k: (loaded.values.get(k), v) for k, v in clean.items() if loaded.values.get(k) != v}
    if not changes:
        return loaded
    try:
        with write_transaction():
            if "code" in changes:
                _check_code(clean, loaded.id)
                changes["code"] = (loaded.values.get("code"), clean["code"])
            updates = {getattr(Customer, k): clean[k] for k in changes}
            if "code" in changes:
                updates[Customer.code_key] = code_key(str(clean["code"]))
            updated = (
                Customer.update(
                    {
                        **updates,
                        Customer.version: Customer.version + 1,
                        Customer.updated_at: utcnow(),
                    }
                )
                .where((Customer.id == loaded.id) & (Customer.version == loaded.version))
                .execute()
            )
            if updated == 0:
                raise _conflict(loaded, changes)
            settle_changes()
            record_event(loaded.id, staff, "updated", changes)
            notice = (
                ""
                if "billing_email" not in changes
                else follow_billing_email(
                    loaded.id,
                    str(changes["billing_email"][0] or ""),
                    str(clean["billing_email"]),
                    clean,
                    staff,
                    sender,
                )
            )
    except FollowRefused as refusal:
        raise ValidationFailed({"billing_email": str(refusal)}) from None
    except pw.IntegrityError as error:
        raise ValidationFailed(
            {"code": _code_holder_error(str(clean["code"]), loaded.id) or str(error)}
        ) from error
    return replace(load_customer(loaded.saved_id), notice=notice)


def _conflict(loaded: CustomerRecord, mine: dict[str, tuple[object, object]]) -> SaveConflict:
    """Describe what the other save changed, and who made it when (from the audit trail), for
    the clerk to compare with their own edits."""
    current = load_customer(loaded.saved_id)
    theirs = {
        k: (loaded.values.get(k), v) for k, v in current.values.items() if loaded.values.get(k) != v
    }
    return SaveConflict(
        current, theirs, mine, last_save(loaded.saved_id), max(current.version - loaded.version, 1)
    )
