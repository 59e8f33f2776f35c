"""Scope for resolvers: the predicates live in models/rules/scope.py (one home); re-exported
here so the read paths keep one import, plus what only GraphQL needs (`internal_hidden`).
"""

from __future__ import annotations

from typing import Any

from models.rules.scope import (
    EVERYTHING,
    Disclosure,
    Scope,
    ancestors,
    document_visible,
    in_subtree,
    inspection_visible,
    own_share,
    plan_visible,
    rectification_visible,
    scope_for,
    share_visible,
    subject_visible,
    subtree,
    task_visible,
    unit_visible,
    visibility,
    visible_task_ids,
)

__all__ = [
    "EVERYTHING",
    "Disclosure",
    "Scope",
    "ancestors",
    "document_visible",
    "in_subtree",
    "inspection_visible",
    "internal_hidden",
    "own_share",
    "plan_visible",
    "rectification_visible",
    "scope_for",
    "share_visible",
    "subject_visible",
    "subtree",
    "task_visible",
    "unit_visible",
    "visibility",
    "visible_task_ids",
]


def internal_hidden(info: Any) -> bool:
    """Whether the request's viewer is a sharing partner, who gets no internal fields."""
    scope: Scope = info.context.scope
    return scope.disclosure is Disclosure.SHARED
