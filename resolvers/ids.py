"""Relay global ids: the one home for encoding and decoding them.

The same text as strawberry's `relay.GlobalID`: standard base64 of "Type:<id>"
(resolvers/compiled/sql.py writes it in SQL). Decoding never trusts the client: text that is
not base64, not "Type:<uuid>", or an id of another type than the argument expects is an
InvalidArgument (BAD_USER_INPUT, "not a valid OrgUnit id"); mutations turn it into a
NOT_FOUND payload error and `node(id:)` into null (row_uuid), as Relay has it.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from models.messages import message
from resolvers.errors import InvalidArgument


def encode_global_id(type_name: str, row_id: Any) -> str:
    """The global id of a row of `type_name`."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def split_global_id(value: Any) -> tuple[str, str] | None:
    """(type name, row id text) of a global id; None when it is not one."""
    text = str(value)
    try:
        decoded = base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (UnicodeError, ValueError, binascii.Error):
        return None
    type_name, colon, row_id = decoded.partition(":")
    if not colon or not type_name or not row_id:
        return None
    return type_name, row_id


def row_uuid(value: Any) -> uuid.UUID | None:
    """A row id as a UUID; None when it is not one."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def decode_global_id(value: Any, *types: str) -> uuid.UUID:
    """The UUID of a global id of one of `types` (any type when none is named).

    InvalidArgument (a ValueError) for anything else, with a message naming the type expected.
    """
    expected = "/".join(types) or "object"
    parts = split_global_id(value)
    if parts is None:
        raise InvalidArgument(message("BAD_ID", expected=expected))
    type_name, row_id = parts
    if types and type_name not in types:
        raise InvalidArgument(message("BAD_ID_TYPE", expected=expected, type_name=type_name[:40]))
    found = row_uuid(row_id)
    if found is None:
        raise InvalidArgument(message("BAD_ID", expected=expected))
    return found
