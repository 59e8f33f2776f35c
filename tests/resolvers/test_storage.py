"""resolvers/storage.py: the storage URL, content keys, the local backend; and the evidence
rules' sniffing and names (models/rules/evidence.py). S3 round trips: tests/resolvers/evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.rules import evidence
from resolvers.storage import LocalStorage, S3Storage, StorageError, check_key, storage_from_url
from tests.resolvers.evidence.conftest import PDF, PNG, xlsx_bytes


class TestStorageUrl:
    def test_paths_and_file_urls_are_local_directories(self, tmp_path: Path) -> None:
        for url in (str(tmp_path), tmp_path.as_uri()):
            storage = storage_from_url(url)
            assert isinstance(storage, LocalStorage)
            assert storage.root == tmp_path
        assert isinstance(storage_from_url(None), LocalStorage)

    def test_s3_urls_name_bucket_prefix_endpoint_and_region(self) -> None:
        storage = storage_from_url(
            "s3://files/gov/evidence?endpoint=http://127.0.0.1:9&region=cn-north-1&addressing=path"
        )
        assert isinstance(storage, S3Storage)
        assert (storage.bucket, storage.prefix) == ("files", "gov/evidence")

    @pytest.mark.parametrize(
        "url",
        ["ftp://host/x", "s3:///prefix", "s3://b?secret=x", "file://otherhost/srv"],
    )
    def test_bad_urls_are_refused(self, url: str) -> None:
        with pytest.raises(StorageError):
            storage_from_url(url)


class TestKeys:
    @pytest.mark.parametrize(
        "key", ["../etc/passwd", "/abs", "a//b", "A", "evidence/../x", "", "x" * 201, "a\0b"]
    )
    def test_keys_cannot_leave_the_store(self, key: str) -> None:
        with pytest.raises(StorageError):
            check_key(key)

    async def test_local_round_trip(self, tmp_path: Path) -> None:
        storage = LocalStorage(tmp_path / "files")
        assert await storage.keys() == []
        await storage.put("evidence/ab/abc", b"bytes", "application/pdf")
        await storage.put("evidence/ab/abc", b"bytes", "application/pdf")
        assert await storage.get("evidence/ab/abc") == b"bytes"
        assert await storage.get("evidence/ab/missing") is None
        assert await storage.keys() == ["evidence/ab/abc"]
        await storage.delete("evidence/ab/abc")
        await storage.delete("evidence/ab/abc")
        assert await storage.keys() == []


class TestSniff:
    def test_allowed_types_by_content(self) -> None:
        assert evidence.sniff(PNG) == evidence.Sniffed("image/png", "png")
        assert evidence.sniff(PDF) == evidence.Sniffed("application/pdf", "pdf")
        sniffed = evidence.sniff(xlsx_bytes())
        assert sniffed is not None
        assert sniffed.extension == "xlsx"

    @pytest.mark.parametrize(
        "data",
        [b"", b"plain text", b"<svg onload=alert(1)>", b"MZ\x90\x00" + b"\0" * 60, b"\x7fELF"],
    )
    def test_others_are_refused(self, data: bytes) -> None:
        assert evidence.sniff(data) is None

    def test_names_lose_paths_and_control_characters(self) -> None:
        png = evidence.Sniffed("image/png", "png")
        assert evidence.clean_name("C:\\\\照片\\\\现场.png", png) == "现场.png"
        assert evidence.clean_name("../../a\x00b.png", png) == "ab.png"
        assert evidence.clean_name("...", png) == "file.png"
        assert evidence.clean_name(None, png) == "file.png"
        long = evidence.clean_name("名" * 300 + ".pdf", png)
        assert len(long) == evidence.MAX_NAME
        assert long.endswith(".pdf")
