"""File storage: the one interface evidence files (and any later upload) are kept through.

`put`, `get`, `delete` and `keys` by content key. Two backends, chosen by a URL
(GOVGRAPH_STORAGE_URL):

- `file:///srv/govgraph/files` (or a plain path; default `.govgraph-files`, git-ignored): a
  directory on the local filesystem. A file is written to a temporary name and renamed, so a
  reader never sees half of it.
- `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1`: an S3-compatible
  object store (AWS S3, MinIO, Ceph, OSS/COS in S3 mode) through boto3; credentials come from
  boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance
  role), never from the URL. `addressing=path` forces path-style requests (MinIO).

Keys are content addresses (`evidence/ab/<sha256>`, resolvers/evidence/service.py): putting
the same bytes twice stores them once, and a key never names anything a client chose, so no
upload can overwrite another's bytes or escape the directory. The storage is written only
after a write has passed every check (a rejected upload leaves it as it was); a write whose
transaction then fails leaves an unreferenced object behind, never a row without its bytes.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_STORAGE_URL = ".govgraph-files"
_KEY = re.compile(r"^[a-z0-9][a-z0-9/_-]{0,199}$")


class StorageError(Exception):
    """A storage URL that names no usable backend, or a malformed key."""


def check_key(key: str) -> str:
    """A content key: lower-case letters, digits, `/`, `_`, `-` (no `..`, no leading `/`)."""
    if not _KEY.match(key) or "//" in key:
        raise StorageError(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    """Where uploaded bytes live, by content key."""

    url: str

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing what it held: the same bytes, by content)."""

    async def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None."""

    async def delete(self, key: str) -> None:
        """Remove `key` (nothing when it is absent)."""

    async def keys(self, prefix: str = "") -> list[str]:
        """Every key starting with `prefix`, sorted."""


class LocalStorage:
    """A directory of the local filesystem."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.url = self.root.resolve().as_uri()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._put, key, data)

    def _get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    async def get(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def _keys(self, prefix: str) -> list[str]:
        if not self.root.is_dir():
            return []
        found = (
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        return sorted(key for key in found if key.startswith(prefix))

    async def keys(self, prefix: str = "") -> list[str]:
        return await asyncio.to_thread(self._keys, prefix)


class S3Storage:
    """A bucket of an S3-compatible object store (boto3, run in worker threads)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint: str | None = None,
        region: str | None = None,
        path_style: bool = False,
        credentials: dict[str, str] | None = None,
    ) -> None:
        import boto3  # only deployments that use S3 load it
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        query = "&".join(
            f"{k}={v}" for k, v in (("endpoint", endpoint), ("region", region)) if v is not None
        )
        self.url = f"s3://{bucket}/{self.prefix}" + (f"?{query}" if query else "")
        config = Config(
            s3={"addressing_style": "path" if path_style else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
        )
        self._client: Any = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=region, config=config, **(credentials or {})
        )

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self.bucket,
            Key=self._name(key),
            Body=data,
            ContentType=content_type,
        )

    def _get(self, key: str) -> bytes | None:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self._client.exceptions.NoSuchKey:
            return None
        body: bytes = response["Body"].read()
        return body

    async def get(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._client.delete_object, Bucket=self.bucket, Key=self._name(key))

    def _keys(self, prefix: str) -> list[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        paginator = self._client.get_paginator("list_objects_v2")
        out: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=start + prefix):
            out.extend(item["Key"][len(start) :] for item in page.get("Contents", []))
        return sorted(out)

    async def keys(self, prefix: str = "") -> list[str]:
        return await asyncio.to_thread(self._keys, prefix)


def storage_from_url(url: str | None) -> Storage:
    """The backend a GOVGRAPH_STORAGE_URL names (module docstring); StorageError otherwise."""
    url = (url or DEFAULT_STORAGE_URL).strip()
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        if parts.scheme == "file" and parts.netloc not in ("", "localhost"):
            raise StorageError("a file: storage URL names a local path (file:///path)")
        path = unquote(parts.path) if parts.scheme == "file" else url
        if not path:
            raise StorageError("the storage URL names no directory")
        return LocalStorage(path)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError("an s3: storage URL names its bucket: s3://bucket/prefix")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(options) - {"endpoint", "region", "addressing"}
        if unknown:
            raise StorageError(f"unknown s3 storage option(s): {', '.join(sorted(unknown))}")
        return S3Storage(
            parts.netloc,
            prefix=unquote(parts.path),
            endpoint=options.get("endpoint"),
            region=options.get("region"),
            path_style=options.get("addressing") == "path",
        )
    raise StorageError(f"unsupported storage URL scheme {parts.scheme!r} (file or s3)")
