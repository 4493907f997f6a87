"""Actions a staff member's role does not allow: shown as unavailable, with the reason."""

from typing import TYPE_CHECKING, ClassVar

from models.staff.permissions import Permission, refusal_text, role_allows
from screens.desk_app import settings_of

if TYPE_CHECKING:
    from textual.dom import DOMNode as _Gated  # what it is always mixed into
else:
    _Gated = object


class RoleGated(_Gated):
    """Mixed into a screen or widget whose actions need a permission: for a role without it
    the action does not run, the footer shows it dimmed, and help and the palette say why.

    models/ checks the permission again whatever calls it; this only keeps the screen honest.
    """

    ACTION_PERMISSIONS: ClassVar[dict[str, Permission]] = {}

    def role_refusal(self, action: str) -> str:
        """Why this staff member's role may not run `action`, or "" when it may."""
        permission = self.ACTION_PERMISSIONS.get(action)
        if permission is None:
            return ""
        role = settings_of(self.app).role
        return "" if role_allows(role, permission) else refusal_text(role, permission)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Unavailable (None: dimmed, not run) when the role does not allow the action."""
        if self.role_refusal(action):
            return None
        return super().check_action(action, parameters)
