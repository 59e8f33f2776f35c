"""Row-level-security mode (GOVGRAPH_RLS=1): the scope setting a request's handle starts with.

The handle itself (Database) is resolvers/database.py: services and resolvers use it too.
"""

from __future__ import annotations

import uuid

from api.settings import Settings


def rls_scope(settings: Settings, root: uuid.UUID | None) -> str | None:
    """The scope setting of a viewer rooted at `root` ('' for everything); None: RLS mode off."""
    if not settings.rls:
        return None
    return "" if root is None else str(root)
