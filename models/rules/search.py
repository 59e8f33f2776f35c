"""Text search (关键词检索): both sides folded alike, so ＶＯＣｓ finds what VOCs finds.

`fold` is NFKC (全角 → 半角: ＶＯＣｓ → VOCs, ３ → 3, the ideographic space → a space) then
casefold (VOCs → vocs), then NFKC again (casefolding can leave text NFKC would change). A
query matches a row when its folded form is a substring of the row's folded text.

The folded text is stored beside its source (FOLDED: task.title → task.title_folded …), so
a search is a LIKE on a plain column on both backends (PostgreSQL's lower() and SQLite's
ASCII-only LIKE folding disagree; neither knows NFKC). One home keeps the folded columns:
`folded_values` adds them to any write that sets a source column (column defaults on
inserts, resolvers/writes.py update_versioned on updates, seeds/synthetic_load.py's COPY);
migration 0025 filled existing rows with a frozen copy of `fold`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

# table -> source column -> its folded column
FOLDED: dict[str, dict[str, str]] = {
    "task": {"title": "title_folded", "description": "description_folded"},
    "rectification": {"problem": "problem_folded"},
}


def fold(text: str) -> str:
    """The searchable form of `text`: NFKC, casefolded, NFKC again."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def folded_values(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` of a write to `table` with the folded column of each source it sets."""
    out = dict(values)
    for source, target in FOLDED.get(table, {}).items():
        if source in values:
            value = values[source]
            out[target] = None if value is None else fold(str(value))
    return out


def folded_default(source: str) -> Any:
    """A column default (context-sensitive) folding the insert's `source` value."""

    def default(context: Any) -> str | None:
        value = context.get_current_parameters().get(source)
        return None if value is None else fold(str(value))

    return default


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(query: str, *columns: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Any of the folded `columns` holds the folded `query` (stripped) as a substring."""
    pattern = like_pattern(fold(query.strip()))
    return sa.or_(*(column.like(pattern, escape="\\") for column in columns))
