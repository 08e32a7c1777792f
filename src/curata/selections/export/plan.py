"""Where each exported file goes: folders by layout, ordered names, collisions resolved.

Pure: given the items in sequence order, returns relative paths. Names are unique
per folder without regard to case (so an export survives a case-insensitive disk),
never one of the export's own document names, and portable (no path separators,
control or reserved characters, no leading dots, bounded length).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from curata.models.selection_export import ExportLayout

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
README = "README.md"
CONTACT_SHEET = "contact_sheet.html"
CHECKSUMS = "checksums.sha256"
THUMBNAILS = "thumbnails"
DOCUMENTS = (MANIFEST_JSON, MANIFEST_CSV, README, CONTACT_SHEET, CHECKSUMS, THUMBNAILS)
UNGROUPED = "ungrouped"
NO_ROLE = "unassigned"
MAX_STEM = 80
MAX_FOLDER = 64

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


def safe_component(name: str, fallback: str, max_length: int = MAX_STEM) -> str:
    """``name`` as one portable path component (never empty, ``.`` or ``..``)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if not ("\udc80" <= ch <= "\udcff"))
    text = _SPACES.sub(" ", _UNSAFE.sub("_", text)).strip(" .")
    text = text[:max_length].rstrip(" .")
    if not text or _WINDOWS_RESERVED.match(text):
        text = f"{fallback}_{text}" if text else fallback
    return text


def split_name(source_name: str, file_format: str | None) -> tuple[str, str]:
    """(stem, extension with dot) of a source file name; the format names a missing one."""
    stem, ext = os.path.splitext(source_name)
    if not ext and file_format:
        ext = "." + file_format.lower()
    ext = safe_component(ext.lstrip("."), "", 16).lower()
    return stem, f".{ext}" if ext else ""


class UniqueNames:
    """Hands out names unique without regard to case: ``x``, ``x-2``, ``x-3``, ..."""

    def __init__(self, reserved: Sequence[str] = ()) -> None:
        self._taken = {r.casefold() for r in reserved}

    def take(self, stem: str, ext: str = "") -> str:
        candidate = stem + ext
        n = 2
        while candidate.casefold() in self._taken:
            candidate = f"{stem}-{n}{ext}"
            n += 1
        self._taken.add(candidate.casefold())
        return candidate


@dataclass(frozen=True)
class PlanInput:
    """One item to place: its number in the selection's sequence (1-based), its hash,
    the name of its source file and what decides its folder."""

    number: int
    asset_hash: str
    source_name: str
    file_format: str | None = None
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Placement:
    asset_hash: str
    folder: str
    filename: str

    @property
    def relative_path(self) -> str:
        return f"{self.folder}/{self.filename}" if self.folder else self.filename


def folder_key(item: PlanInput, layout: ExportLayout) -> str | None:
    if layout is ExportLayout.BY_GROUP:
        return item.group or UNGROUPED
    if layout is ExportLayout.BY_ROLE:
        return item.role or NO_ROLE
    return None


def plan(items: Sequence[PlanInput], layout: ExportLayout) -> list[Placement]:
    """A placement per item, in the given order. File names start with the item's number
    in the selection's sequence (``001_``; more digits from 1,000 items), so the order
    survives in every layout and matches the manifest's ``position``."""
    folders = UniqueNames(DOCUMENTS)
    folder_names: dict[str, str] = {}
    names: dict[str, UniqueNames] = {"": UniqueNames(DOCUMENTS)}
    width = max(3, len(str(max((i.number for i in items), default=0))))
    out = []
    for item in items:
        key = folder_key(item, layout)
        folder = ""
        if key is not None:
            if key not in folder_names:
                folder_names[key] = folders.take(safe_component(key, "group", MAX_FOLDER))
            folder = folder_names[key]
        stem, ext = split_name(item.source_name, item.file_format)
        base = f"{item.number:0{width}d}_{safe_component(stem, 'asset')}"
        unique = names.setdefault(folder, UniqueNames())
        out.append(Placement(item.asset_hash, folder, unique.take(base, ext)))
    return out
