"""Which characters stored text may hold, on both backends alike.

PostgreSQL refuses NUL in text (and cannot encode a lone surrogate as UTF-8) while SQLite
stores both, so the rule is checked where text comes in (files, parameters) and the same
input is refused the same way on either backend: no NUL or other C0 control character but
tab, line feed and carriage return, no DEL, no lone surrogate (U+D800–U+DFFF), no
noncharacter U+FFFE / U+FFFF.
"""

from __future__ import annotations

import re

__all__ = ["describe_invalid", "first_invalid"]

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def first_invalid(text: str) -> tuple[int, str] | None:
    """(position, character) of the first character `text` may not hold, or None."""
    found = _INVALID.search(text)
    return None if found is None else (found.start(), found.group())


def describe_invalid(text: str) -> str | None:
    """Why `text` is refused ("contains U+0000 at character 3"), or None when it is fine."""
    found = first_invalid(text)
    if found is None:
        return None
    position, character = found
    return f"contains U+{ord(character):04X} at character {position + 1}"
