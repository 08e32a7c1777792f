"""The documents of an export: manifests, README, contact sheet, sidecars, checksums.

Pure: each function turns the export's facts into the bytes of one file.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from curata.ingest.metadata.dispatch import derived_pair
from curata.models.assets import Asset
from curata.models.paths import json_safe
from curata.models.selection_export import ExportedItem
from curata.models.selections import SelectionItem, SelectionSummary

CSV_COLUMNS = (
    "position",
    "asset_hash",
    "role",
    "group",
    "selection_reason",
    "quality_notes",
    "usage_notes",
    "tags",
    "source_path",
    "exported_path",
    "bytes",
    "sha256",
    "metadata",
    "missing",
)


@dataclass(frozen=True)
class ExportFacts:
    """What every document describes: the selection as the export leaves it (status
    ``exported``, updated at the export's time), who exported it and what."""

    selection: SelectionSummary
    project_name: str
    exported_at: datetime
    settings: Mapping[str, Any]
    items: Sequence[ExportedItem]
    actor: str | None = None

    @property
    def exported(self) -> list[ExportedItem]:
        return [i for i in self.items if not i.missing]

    @property
    def missing(self) -> list[ExportedItem]:
        return [i for i in self.items if i.missing]


def _json(value: Any) -> bytes:
    """JSON with file names that are not UTF-8 in their path form (``{text, base64}``)."""
    return (json.dumps(json_safe(value), indent=2, ensure_ascii=False, default=str) + "\n").encode()


def manifest_json(facts: ExportFacts) -> bytes:
    sel = facts.selection
    return _json(
        {
            "format": "curata-export/1",
            "project": {"id": sel.project_id, "name": facts.project_name},
            "selection": sel.model_dump(mode="json", exclude={"item_count"}),
            "exported_at": facts.exported_at.isoformat(),
            "exported_by": facts.actor,
            "settings": dict(facts.settings),
            "counts": {
                "items": len(facts.items),
                "exported": len(facts.exported),
                "missing": len(facts.missing),
            },
            "items": [i.model_dump(mode="json") for i in facts.items],
        }
    )


def manifest_csv(facts: ExportFacts) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in facts.items:
        row = item.model_dump()
        row["tags"] = ";".join(item.tags)
        row["missing"] = "yes" if item.missing else ""
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8", "surrogateescape")  # names as their exact bytes


#: Keys of the sidecar that say how a file was made (left out with ``generation=False``).
GENERATION_KEYS = ("ai_source", "prompt", "negative_prompt", "generation_params")


def sidecar(
    asset: Asset, item: SelectionItem, exported: ExportedItem, generation: bool = True
) -> bytes:
    """Per-asset metadata: generation facts from the catalog (unless ``generation`` is
    False: then neither they nor the pairs derived from them, such as ``model:``) and
    the selection's notes."""
    meta = asset.metadata
    tags = asset.tags if generation else [t for t in asset.tags if not derived_pair(t)]
    facts: dict[str, Any] = {
        "asset_hash": asset.content_hash,
        "source_path": exported.source_path,
        "media_type": asset.media_type.value,
        "file_format": asset.file_format,
        "file_size": asset.file_size,
        "dimensions": meta.get("dimensions"),
        "duration": meta.get("duration"),
        "ai_source": asset.ai_source,
        "prompt": meta.get("prompt"),
        "negative_prompt": meta.get("negative_prompt"),
        "generation_params": meta.get("generation_params", {}),
        "tags": tags,
        "rating": asset.quality_rating,
        "created_at": asset.created_at.isoformat() if asset.created_at else None,
        "selection": {
            "position": exported.position,
            "role": item.role,
            "group": item.group,
            "selection_reason": item.selection_reason,
            "quality_notes": item.quality_notes,
            "usage_notes": item.usage_notes,
            "tags": item.tags,
            "custom_metadata": item.custom_metadata,
            "added_at": item.added_at.isoformat(),
            "added_by": item.added_by,
        },
    }
    if not generation:
        facts = {k: v for k, v in facts.items() if k not in GENERATION_KEYS}
    return _json(facts)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split())


def _counts_line(counter: Counter[str]) -> str:
    return ", ".join(f"{name}: {n}" for name, n in sorted(counter.items(), key=lambda kv: -kv[1]))


_METADATA_TEXT = {
    "keep": "kept (the files are the originals' bytes)",
    "strip": "stripped from PNG, JPEG and WebP copies; not in the sidecars either",
    "sidecar-only": "stripped from PNG, JPEG and WebP copies; in the sidecars only",
}
_SIDECAR_TEXT = {
    "keep": "its generation metadata and selection notes.",
    "strip": "its file facts and selection notes (no generation metadata).",
    "sidecar-only": "its generation metadata and selection notes.",
}


def readme(facts: ExportFacts) -> bytes:
    sel = facts.selection
    metadata = str(facts.settings.get("metadata", "keep"))
    lines = [
        f"# {sel.name}",
        "",
        f"- **Project:** {facts.project_name} (`{sel.project_id}`)",
        f"- **Selection:** `{sel.id}`",
        f"- **Purpose:** {sel.purpose.value.replace('_', ' ')}",
        f"- **Exported:** {facts.exported_at.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- **Mode / layout:** {facts.settings.get('mode')} / {facts.settings.get('layout')}",
        f"- **Embedded metadata:** {_METADATA_TEXT[metadata]}",
    ]
    if sel.tags:
        lines.append(f"- **Tags:** {', '.join(sel.tags)}")
    if sel.description:
        lines += ["", sel.description]
    if sel.criteria:
        lines += ["", "## Criteria", ""]
        lines += [f"- **{k}:** {_cell(v)}" for k, v in sel.criteria.items()]
    roles = Counter(i.role or "(none)" for i in facts.items)
    groups = Counter(i.group or "(none)" for i in facts.items)
    lines += [
        "",
        "## Counts",
        "",
        f"- Items: {len(facts.items)} ({len(facts.exported)} exported, "
        f"{len(facts.missing)} missing)",
        f"- Roles: {_counts_line(roles)}",
        f"- Groups: {_counts_line(groups)}",
        f"- Bytes: {sum(i.bytes or 0 for i in facts.exported):,}",
        "",
        "## Items",
        "",
        "| # | File | Role | Group | Reason | Notes |",
        "|---|------|------|-------|--------|-------|",
    ]
    for item in facts.items:
        file_cell = "*missing*" if item.missing else f"`{_cell(item.exported_path)}`"
        notes = "; ".join(n for n in (item.quality_notes, item.usage_notes) if n)
        lines.append(
            f"| {item.position} | {file_cell} | {_cell(item.role)} | {_cell(item.group)} "
            f"| {_cell(item.selection_reason)} | {_cell(notes)} |"
        )
    lines += [
        "",
        "## Files",
        "",
        "- `manifest.json`, `manifest.csv`: every item with its hash, role, group, reasons,",
        "  notes, source path, exported path, size and SHA-256.",
        f"- `<file>.json` beside each file: {_SIDECAR_TEXT[metadata]}",
        "- `contact_sheet.html`: thumbnails of the images.",
        "- `checksums.sha256`: check the delivery with `sha256sum -c checksums.sha256`.",
        "",
    ]
    return "\n".join(lines).encode()


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;background:#fafafa;color:#222}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1em}
figure{margin:0;background:#fff;border:1px solid #ddd;padding:.5em;border-radius:4px}
figure img{width:100%;height:200px;object-fit:contain;background:#eee}
.none{height:200px;display:flex;align-items:center;justify-content:center;background:#eee}
figcaption{font-size:.85em;margin-top:.4em;word-break:break-all}
.role{font-weight:bold}
""".strip()


def contact_sheet(facts: ExportFacts, thumbnails: Mapping[str, str]) -> bytes:
    """An HTML page with a thumbnail per exported item (``thumbnails``: hash -> path)."""
    sel = facts.selection
    figures = []
    for item in facts.exported:
        thumb = thumbnails.get(item.asset_hash)
        picture = (
            f'<img src="{html.escape(thumb)}" alt="{html.escape(item.exported_path or "")}">'
            if thumb
            else '<div class="none">no preview</div>'
        )
        caption = [f"{item.position}. {html.escape(item.exported_path or '')}"]
        if item.role:
            caption.append(f'<span class="role">{html.escape(item.role)}</span>')
        if item.selection_reason:
            caption.append(html.escape(item.selection_reason))
        target = html.escape(item.exported_path or "")
        figures.append(
            f'<figure><a href="{target}">{picture}</a>'
            f"<figcaption>{'<br>'.join(caption)}</figcaption></figure>"
        )
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(sel.name)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(sel.name)}</h1>"
        f"<p>{len(facts.exported)} items &middot; {html.escape(sel.purpose.value)} &middot; "
        f"exported {facts.exported_at.strftime('%Y-%m-%d %H:%M UTC')}</p>"
        f'<div class="grid">{"".join(figures)}</div></body></html>\n'
    )
    return page.encode()


def checksums(written: Mapping[str, str]) -> bytes:
    """``sha256sum -c`` format for every written file."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(written.items())).encode()
