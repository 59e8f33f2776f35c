"""Keyset cursors, signed and bound to the list that made them: the one home for cursors.

A cursor is `<sort key>.<tag>`: the url-safe base64 (unpadded) of the compact JSON array of
the last row's sort key, as before, then a 128-bit HMAC-SHA256 tag over the list's identity
and the sort key. A list's identity is the connection field (`OrgUnit.tasks`), its parent
object's id (empty at the root) and a digest of its other arguments (filter, ordering, role …;
everything but `first` and `after`). So a cursor passed to another field, another parent,
another ordering or filter, or edited by hand, is refused (InvalidArgument: BAD_USER_INPUT,
"cursor does not belong to this list") instead of paging some other list from a foreign
position. Both read paths sign alike: resolvers/pagination.py in Python,
resolvers/compiled/sql.py in PostgreSQL (`sha256`, with the padded keys as bind parameters).

The key comes from GOVGRAPH_SECRET (cursors survive restarts and are shared by workers); without
a secret it is GOVGRAPH_CURSOR_KEY when set (`govgraph serve` sets one for its workers), else
random per process: such cursors end with the process.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson

from models import messages
from resolvers.errors import InvalidArgument

TAG_BYTES = 16
BLOCK = 64  # SHA-256's block size: the HMAC pads the key to it
KEY_ENV = "GOVGRAPH_CURSOR_KEY"
PAGING_ARGUMENTS = frozenset({"first", "after"})
# Input fields of a root list's `filter` that name the objects it lists below: they are the
# list's parent (`parents`), not part of its digest, so the compiled path can bind them as
# parameters and one plan serves every value (resolvers/compiled/compiler.py BINDABLE).
PARENT_FILTERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Query", "orgUnits"): ("parent", "ancestor")
}

_key = b""


def configure(secret: str | None) -> None:
    """Derive the signing key from the server's secret (see the module's docstring)."""
    global _key
    if secret:
        _key = hmac.new(secret.encode(), b"govgraph cursor key v1", hashlib.sha256).digest()
    elif os.environ.get(KEY_ENV):
        _key = hashlib.sha256(os.environ[KEY_ENV].encode()).digest()
    else:
        _key = secrets.token_bytes(32)


def _signing_key() -> bytes:
    if not _key:
        configure(None)
    return _key


_padded: tuple[bytes, tuple[bytes, bytes]] = (b"", (b"", b""))  # (key, its padded keys)


def padded_keys() -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys, for computing tags in SQL (every compiled plan's
    parameters: derived once per key, not per request)."""
    global _padded
    key = _signing_key()
    if _padded[0] != key:
        block = key.ljust(BLOCK, b"\0")
        _padded = (key, (bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)))
    return _padded[1]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _canonical(value: Any) -> Any:
    """Argument values as plain JSON, the same from both read paths' coerced arguments."""
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def list_digest(owner: str, field: str, arguments: Mapping[str, Any]) -> str:
    """The identity of a connection field's list, but for its parent: the field and its
    coerced arguments other than `first` and `after`."""
    shaping = {k: v for k, v in arguments.items() if k not in PAGING_ARGUMENTS}
    named = PARENT_FILTERS.get((owner, field))
    if named and isinstance(shaping.get("filter"), Mapping):
        shaping["filter"] = {k: v for k, v in shaping["filter"].items() if k not in named}
    text = orjson.dumps(
        [owner, field, _canonical(shaping)], option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    )
    return hashlib.sha256(text).hexdigest()[:32]


def parents(ids: Sequence[Any]) -> str:
    """The parent part of a list named by several ids (PARENT_FILTERS), absent ones empty."""
    return "/".join("" if i is None else str(i) for i in ids)


def message(digest: str, parent: str, payload: str) -> str:
    """What a tag signs (resolvers/compiled/sql.py builds the same text)."""
    return f"{digest}:{parent}:{payload}"


def _tag(digest: str, parent: str, payload: str) -> str:
    mac = hmac.new(_signing_key(), message(digest, parent, payload).encode(), hashlib.sha256)
    return _b64(mac.digest()[:TAG_BYTES])


def encode_key(values: Sequence[Any]) -> str:
    """The unsigned part of a cursor: a row's sort key."""
    payload = orjson.dumps([v if isinstance(v, int | float | None) else str(v) for v in values])
    return _b64(payload)


def encode(values: Sequence[Any], digest: str, parent: str) -> str:
    """The cursor of a row's sort key in the list (`digest`, `parent`)."""
    payload = encode_key(values)
    return f"{payload}.{_tag(digest, parent, payload)}"


def decode(cursor: str, arity: int) -> list[Any]:
    """The sort key of a well-formed cursor (its tag is checked by `verify`)."""
    payload, dot, _ = cursor.rpartition(".")
    try:
        if not dot:
            raise ValueError("no tag")
        values = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidArgument(messages.message("CURSOR_INVALID")) from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidArgument(messages.message("CURSOR_OTHER_LIST"))
    return values


def verify(cursor: str, digest: str, parent: str) -> None:
    """InvalidArgument unless `cursor` was made by the list (`digest`, `parent`)."""
    payload, _, tag = cursor.rpartition(".")
    if not hmac.compare_digest(tag.encode(), _tag(digest, parent, payload).encode()):
        raise InvalidArgument(messages.message("CURSOR_NOT_THIS_LIST"))


def open_cursor(cursor: str, arity: int, digest: str, parent: str) -> list[Any]:
    """The sort key of a cursor of the list (`digest`, `parent`); InvalidArgument otherwise."""
    values = decode(cursor, arity)
    verify(cursor, digest, parent)
    return values
