"""The GraphQL face of resolvers/errors.py: the ErrorCode enum and the UserError type.

resolvers/common.py imports this module, so every schema module sees them registered.
"""

from __future__ import annotations

import strawberry
from strawberry.types.base import get_object_definition

from resolvers import errors

ErrorCode = strawberry.enum(errors.ErrorCode, description="Why a mutation was rejected.")
UserError = strawberry.type(
    errors.UserError, description="Why a mutation was rejected, and which input field it concerns."
)

_FIELD_DESCRIPTIONS = {
    "code": "Machine-readable reason.",
    "message": "Human-readable explanation: zh-CN, English with `Accept-Language: en`.",
    "field": "The input field at fault, if one is.",
}
for _field in get_object_definition(UserError, strict=True).fields:
    _field.description = _FIELD_DESCRIPTIONS[_field.python_name]
