"""Relay global ids as text, for code without GraphQL (snapshots, exports).

The same text as strawberry's `relay.GlobalID`: standard base64 of "Type:<id>"
(resolvers/compiled/sql.py writes it in SQL; resolvers/common.py decodes it).
"""

from __future__ import annotations

import base64
from typing import Any


def encode_global_id(type_name: str, row_id: Any) -> str:
    """The global id of a row of `type_name`."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()
