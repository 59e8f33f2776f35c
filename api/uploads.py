"""Uploaded files of multipart GraphQL requests, read into memory and closed at once.

strawberry hands resolvers Starlette's UploadFile (a spooled temporary file) and never
closes it. The request body is already capped (api/body_limit.py, max_upload_bytes), so the
view reads each file when the request is parsed, closes it, and passes an UploadedFile on:
nothing stays open whether or not a resolver runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile


@dataclass(frozen=True)
class UploadedFile:
    """A file of a multipart request: its name, media type and bytes."""

    filename: str | None
    content_type: str | None
    content: bytes

    async def read(self, size: int = -1) -> bytes:
        """The bytes (at most `size`), like UploadFile.read."""
        return self.content if size < 0 else self.content[:size]


async def materialize(value: Any) -> Any:
    """`value` with every UploadFile inside replaced by an UploadedFile (and closed)."""
    if isinstance(value, UploadFile):
        try:
            return UploadedFile(value.filename, value.content_type, await value.read())
        finally:
            await value.close()
    if isinstance(value, dict):
        return {key: await materialize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [await materialize(item) for item in value]
    return value
