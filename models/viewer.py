"""Viewer: who is asking, a unit and a role (DESIGN.md, "Access"). Tokens live in api/auth.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from models.enums import ViewerRole

ROLE_RANK = {
    ViewerRole.VIEWER: 0,
    ViewerRole.REPORTER: 1,
    ViewerRole.COORDINATOR: 2,
    ViewerRole.ADMIN: 3,
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a unit and a role, or nobody (anonymous, read-only)."""

    subject: str
    unit_id: uuid.UUID | None = None
    role: ViewerRole | None = None
    # A sharing partner's API key: read-only, shared fields only.
    partner: bool = False
    # The API key a partner's request came with (its webhook subscriptions and deliveries).
    key_id: uuid.UUID | None = None

    @property
    def is_admin(self) -> bool:
        """ADMIN sees and may write everything."""
        return self.role is ViewerRole.ADMIN

    @property
    def anonymous(self) -> bool:
        """No verified identity."""
        return self.unit_id is None or self.role is None

    def at_least(self, role: ViewerRole) -> bool:
        """Whether the viewer's role is `role` or higher."""
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[role]


ANONYMOUS = Viewer(subject="anonymous")
