"""Documents: PDF page count and title (pypdf); sizes of text and markdown; the kind
of a ZIP container (docx, xlsx, pptx, odt, epub) from its member names."""

from __future__ import annotations

import io
import logging
import re
import zipfile

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from curata.models.probe import ProbeResult

TEXT_FORMATS = {"text", "markdown", "json", "csv", "html", "xml"}
_ZIP_KINDS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)
_OPENDOCUMENT = {
    b"application/epub+zip": "epub",
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
MAX_TEXT_BYTES = 64 * 1024 * 1024
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _bytes(source: io.BytesIO | str, limit: int) -> bytes:
    if isinstance(source, io.BytesIO):
        return source.getvalue()[:limit]
    with open(source, "rb") as fh:
        return fh.read(limit)


def text_facts(data: bytes, file_format: str) -> dict[str, object]:
    """Sizes of a text document: characters, words, lines (and a markdown title)."""
    text = data.decode("utf-8", errors="replace")
    facts: dict[str, object] = {
        "characters": len(text),
        "words": len(text.split()),
        "lines": text.count("\n") + (1 if text and not text.endswith("\n") else 0),
    }
    if file_format == "markdown":
        heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
        if heading:
            facts["title"] = heading.group(1)
    return facts


def pdf_facts(source: io.BytesIO | str) -> dict[str, object]:
    try:
        reader = PdfReader(source)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except (PyPdfError, NotImplementedError):
                return {"encrypted": True}
        facts: dict[str, object] = {"pages": len(reader.pages)}
        info = reader.metadata
        if info is not None:
            for key, value in (("title", info.title), ("author", info.author)):
                if isinstance(value, str) and value.strip():
                    facts[key] = value.strip()
    except (PdfReadError, PyPdfError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a readable PDF ({exc})") from exc
    return facts


def zip_kind(source: io.BytesIO | str) -> str:
    """docx/xlsx/pptx/odt/ods/odp/epub, or ``zip`` for any other archive."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = _OPENDOCUMENT.get(archive.read("mimetype").strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return "zip"
    return next((kind for member, kind in _ZIP_KINDS if member in names), "zip")


def probe_document(result: ProbeResult, source: io.BytesIO | str, metadata: bool = True) -> None:
    fmt = result.file_format or ""
    if fmt == "pdf":
        result.facts.update(pdf_facts(source))
    elif fmt == "zip":
        result.file_format = zip_kind(source)
    elif fmt in TEXT_FORMATS:
        result.facts.update(text_facts(_bytes(source, MAX_TEXT_BYTES), fmt))
