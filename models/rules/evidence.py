"""Evidence files (佐证材料): which files may be attached, told by their bytes.

The type of an upload is sniffed from its content (`filetype`: magic numbers, and for the
zip-based office formats the parts inside), never taken from the client's content type or
file name: a script named `photo.jpg` is refused, a PDF named `报告.txt` is stored as a PDF.
Allowed: photos (JPEG, PNG, GIF, WebP, HEIC, TIFF, BMP), PDF, office documents (Word, Excel,
PowerPoint, old and new; OpenDocument) and zip archives of them (销号材料 bundles). The
stored content type is the sniffed one; downloads are always attachments (api/files.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

from models.rules.text import first_invalid

# Media type → what it is (the message of a refusal lists these).
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/heic": "HEIC image",
    "image/tiff": "TIFF image",
    "image/bmp": "BMP image",
    "application/pdf": "PDF",
    "application/msword": "Word document (.doc)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.ms-excel": "Excel workbook (.xls)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.ms-powerpoint": "PowerPoint (.ppt)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
    "application/zip": "zip archive",
}
DEFAULT_MAX_BYTES = 10_000_000  # GOVGRAPH_EVIDENCE_MAX_BYTES
MAX_FILES = 20  # files per report or rectification event
MAX_NAME = 255
MAX_CAPTION = 500


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are: media type and the usual extension."""

    content_type: str
    extension: str


def sniff(data: bytes) -> Sniffed | None:
    """The allowed type `data` is, by its content; None for anything else."""
    kind = filetype.guess(data[:8192] if len(data) > 8192 else data)
    if kind is None and data[:4] == b"PK\x03\x04":
        kind = filetype.guess(data)  # office formats: their parts may lie past 8 KiB
    elif kind is not None and kind.mime == "application/zip" and len(data) > 8192:
        kind = filetype.guess(data) or kind
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return Sniffed(kind.mime, kind.extension)


def clean_name(name: str | None, sniffed: Sniffed) -> str:
    """The file name to keep: its last path part, NFC, without control characters, at most
    MAX_NAME characters; `file.<ext>` when nothing is left. The extension is not trusted and
    not changed: the sniffed type is what downloads declare."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(ch for ch in text if ch.isprintable() and first_invalid(ch) is None).strip()
    text = text.lstrip(".")
    if not text:
        text = f"file.{sniffed.extension}"
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else text
        text = text[:MAX_NAME]
    return text


def storage_key(sha256: str) -> str:
    """The content key of bytes with this SHA-256 (resolvers/storage.py)."""
    return f"evidence/{sha256[:2]}/{sha256}"
