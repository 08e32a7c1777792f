"""``curata demo``: the product in five short panels, on the sample library (``make demo``).

It scans a folder, then shows a search with facets, a near-duplicate group, a selection
created, extended with similar assets and exported (every exported file re-hashed and
compared), and the auto-selection of the spec's worked example; then the commands to
try next. Each step calls the same ``Curata`` methods as every other command.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from curata.cli.app import app, console, handle_errors, open_curata
from curata.cli.render import MiddlePath, asset_table, human_size, relative
from curata.errors import Conflict, VerificationError

if TYPE_CHECKING:
    from curata.interface import Curata
    from curata.models.similarity import DuplicateMember

#: The spec's worked example (auto-selection.md, "Example Scenario"), as a file.
WORKED_EXAMPLE = "artwork-candidates.json"
PROJECT = "demo"


def _panel(title: str, body: Any, command: str) -> None:
    console.print(Panel(body, title=title, title_align="left", subtitle=command,
                        subtitle_align="right", expand=False))  # fmt: skip


def _scan(cur: Curata, library: Path) -> None:
    summary = cur.scan([str(library)]).data
    assert summary is not None
    errors = cur.ingest_errors().data or []
    text = Text(
        f"{summary.files_seen} files: {summary.new} new, {summary.unchanged} unchanged, "
        f"{summary.failed + summary.still_failing} failed, in {summary.seconds:.1f}s\n"
    )
    for record in errors:
        text.append(f"  {relative(record.path)}: {record.reason}\n", style="yellow")
    _panel("1. catalog", text, f"curata scan {relative(str(library))}")


def _search(cur: Curata) -> None:
    request = {"filters": {"media_type": "image"}, "sort_by": "file_size", "limit": 5}
    found = cur.search_assets(request).data
    assert found is not None and found.facets is not None
    facets = Table.grid(padding=(0, 2))
    facets.add_column(style="bold")
    facets.add_column()
    f = found.facets
    for name, entries in (
        ("ai sources", [f"{e.source} {e.count}" for e in f.ai_sources]),
        ("formats", [f"{e.format} {e.count}" for e in f.file_formats]),
        ("tags", [f"{e.tag} {e.count}" for e in f.tags[:6]]),
    ):
        facets.add_row(name, Text(", ".join(entries)))
    body = Table.grid()
    body.add_row(Text(f"{found.total_count} images, the 5 largest:"))
    body.add_row(asset_table(found.results, min(console.width, 100)))
    body.add_row(Text("facets of the result set:"))
    body.add_row(facets)
    _panel("2. search with facets", body, "curata search --media-type image --facets")


def _width(member: DuplicateMember) -> int:
    return (member.details.width or 0) if member.details else 0


def _duplicates(cur: Curata) -> None:
    result = cur.find_duplicates({"threshold": 10}).data
    assert result is not None
    # The largest near group of photos (the generated files are 1x1-pixel crops).
    group = next((g for g in result.groups if g.kind == "near" and _width(g.keeper) >= 64), None)
    if group is None:
        _panel("3. near-duplicates", Text("no near-duplicate group"), "curata dupes")
        return
    table = Table("", "distance", "dims", "size", "path", box=None, pad_edge=False)
    for m in group.members:
        d = m.details
        dims = f"{d.width}x{d.height}" if d and d.width and d.height else ""
        size = human_size(d.file_size) if d else ""
        table.add_row("keep" if m.keeper else "", str(m.distance), dims, size,
                      MiddlePath(m.path))  # fmt: skip
    body = Table.grid()
    body.add_row(Text(f"{result.group_count} group(s); the largest near group, keeper first "
                      f"({group.reason}):"))  # fmt: skip
    body.add_row(table)
    _panel("3. near-duplicates", body, "curata dupes")


def _verify(export_path: Path, items: list[Any]) -> int:
    """Re-hash every exported file; a ``VerificationError`` if one differs."""
    for item in items:
        if item.exported_path is None:
            continue
        digest = hashlib.sha256((export_path / item.exported_path).read_bytes()).hexdigest()
        if digest != item.asset_hash:
            raise VerificationError(f"{item.exported_path} does not hash to {item.asset_hash}")
    return sum(1 for item in items if item.exported_path is not None)


def _selection(cur: Curata, export_to: Path) -> None:
    with contextlib.suppress(Conflict):  # a second run on the same catalog
        cur.create_project({"name": "Demo", "project_id": PROJECT})
    number = len(cur.list_selections(PROJECT).data or []) + 1
    name = "Hero images" if number == 1 else f"Hero images {number}"
    sel = cur.create_selection({"project_id": PROJECT, "name": name, "purpose": "presentation"})
    assert sel.data is not None
    sid = sel.data.id
    base = {"project_id": PROJECT, "selection_id": sid, "action": "add_items"}
    photos = cur.search_assets({"filters": {"filename_pattern": r"^ukbench00120\.jpg$"}}).data
    assert photos is not None and photos.results
    hero = photos.results[0]
    first = {"asset_hash": hero.content_hash, "role": "hero", "selection_reason": "the original"}
    cur.update_selection({**base, "items": [first]})
    similar = cur.find_similar_to_selection(PROJECT, sid, threshold=12).data
    assert similar is not None
    picks = [r for r in similar.results if r["similarity"]["recommendation_score"] > 0.75]
    if picks:
        cur.update_selection({**base, "items": [
            {"asset_hash": r["asset"]["content_hash"], "role": "alternate",
             "selection_reason": f"similar (score {r.similarity.recommendation_score:.2f})"}
            for r in picks]})  # fmt: skip
    exported = cur.export_selection(
        {
            "project_id": PROJECT,
            "selection_id": sid,
            "export_path": str(export_to),
            "overwrite": True,
            "layout": "by_role",
        }
    ).data
    assert exported is not None
    checked = _verify(Path(exported.export_path), exported.items)
    text = Text(
        f"selection {sid!r} in project {PROJECT!r}: 1 hero photo, and {len(picks)} similar\n"
        f"asset(s) added (recommendation score above 0.75)\n"
        f"exported {exported.exported_count} item(s), {human_size(exported.bytes_written)}, to"
        f" {relative(str(exported.export_path))}\n"
        f"{checked} exported file(s) re-hashed: every SHA-256 matches"
    )
    _panel("4. selection, similar assets, export", text,
           f"curata selection export {sid} {relative(str(export_to))} -p {PROJECT}")  # fmt: skip


def _autoselect(cur: Curata, candidates: Path) -> None:
    providers = json.loads(candidates.read_text(encoding="utf-8"))
    result = cur.select_best_assets(
        {"provider_results": providers, "media_type": "movie", "preferred_language": "en"}
    ).data
    assert result is not None
    poster = result.results["poster"]
    table = Table("#", "provider", "tier", "votes", "size", "reason", box=None, pad_edge=False)
    ranked = [poster.winner, *poster.runners_up] if poster.winner else poster.runners_up
    for r in ranked:
        c = r.candidate
        table.add_row(str(r.rank + 1), r.provider, str(r.tier), str(c.votes or ""),
                      f"{c.width}x{c.height}", r.reason)  # fmt: skip
    body = Table.grid()
    body.add_row(Text("the spec's worked example: the fanart.tv poster (1000x1426) is not HD,"
                      " so it is tier 2 and TMDB poster 1 wins"))  # fmt: skip
    body.add_row(table)
    _panel("5. auto-selection", body, f"curata artwork pick {relative(str(candidates))}")


def next_steps(database: str) -> str:
    """The commands to try next, runnable as printed: the venv's ``activate`` (when
    curata runs from a virtual environment) and the demo catalog."""
    lines = []
    if sys.prefix != sys.base_prefix:
        lines.append(f". {shlex.quote(relative(os.path.join(sys.prefix, 'bin', 'activate')))}")
    lines.append(f"export CURATA_DATABASE={shlex.quote(relative(database))}")
    lines += [
        "curata search --tag generator:comfyui --facets",
        "curata serve        # the workbench at http://127.0.0.1:8765/",
        "curata mcp          # what an MCP client starts (see README)",
    ]
    return "\n".join(lines)


@app.command()
@handle_errors
def demo(
    ctx: typer.Context,
    library: Path = typer.Argument(
        Path("examples/sample-library"), help="The folder to scan (the sample library)."
    ),
    export_to: Path = typer.Option(
        Path(".demo/export"), "--export-to", help="Where the demo selection is exported."
    ),
    candidates: Path = typer.Option(
        Path("examples") / WORKED_EXAMPLE,
        "--candidates",
        help="Artwork candidates for the auto-selection panel (the spec's worked example).",
    ),
) -> None:
    """Show what curata does, on the sample library (what `make demo` runs)."""
    cur = open_curata(ctx, create=True)
    _scan(cur, library)
    _search(cur)
    _duplicates(cur)
    _selection(cur, export_to)
    _autoselect(cur, candidates)
    database = str(cur.catalog.path or cur.catalog.url.render_as_string(hide_password=True))
    console.print(Panel(Text(next_steps(database)), title="next", title_align="left",
                        expand=False))  # fmt: skip
