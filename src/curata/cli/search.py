"""``curata search``: structured search from flags or a JSON request, and saved searches.

``curata search --tag portrait --min-quality 4 --sort quality_rating --desc`` runs a
search; ``--request FILE.json`` reads the spec's JSON (``-`` for stdin) and flags add to
it. The filter flags given before a subcommand build the request it uses:
``curata search --tag portrait save "Portraits"``; ``curata search run "Portraits"``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata
from curata.cli.render import asset_table
from curata.errors import InvalidRequest
from curata.models.fields import FIELDS, Dates, Flag, OneOf, SearchField, Under
from curata.models.search import SavedSearch, SearchResponse

search_app = typer.Typer(
    help="Structured search (every filter of the search API) and saved searches.",
    invoke_without_command=True,
)
app.add_typer(search_app, name="search")

_REQUEST_KEY = "curata_search_request"


def _range(text: str, flag: str) -> dict[str, float]:
    """``1..3``, ``1..`` or ``..3`` as a RangeFilter dict."""
    lo, sep, hi = text.partition("..")
    if not sep:
        raise InvalidRequest(f"{text!r} is not a range like 1..3, 1.. or ..3", field=flag)
    out: dict[str, float] = {}
    for name, part in (("min", lo), ("max", hi)):
        if part.strip():
            try:
                out[name] = float(part)
            except ValueError:
                raise InvalidRequest(f"{part!r} is not a number", field=flag) from None
    return out


def _pairs(items: list[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidRequest(f"{item!r} is not KEY=VALUE", field=flag)
        out.append((key.strip(), value))
    return out


def _set_range(target: dict[str, Any], key: str, bound: str, value: float | None) -> None:
    if value is not None:
        target.setdefault(key, {})[bound] = value


_FIELDS = {f.path: f for f in FIELDS}
_WHERE_HELP = (
    "FIELD=VALUE on a registry field (repeat: all): a range MIN..MAX, MIN.. or ..MAX; "
    "exact values as N or N,N; dates START..END; flags true/false; a folder as its path. "
    "Fields: " + ", ".join(_FIELDS) + "."
)


def _where(item: str) -> tuple[SearchField, Any]:
    """``duration=1..30``, ``generation.seed=42,43``, ``date_range=2024-01-01..``."""
    name, sep, text = item.partition("=")
    found = _FIELDS.get(name.strip())
    if not sep or found is None:
        raise InvalidRequest(
            f"{item!r} is not FIELD=VALUE with FIELD one of {', '.join(_FIELDS)}", field="--where"
        )
    if found.query is Under:
        return found, text
    if found.query is Flag:
        if text.strip().lower() not in ("true", "false"):
            raise InvalidRequest(f"{text!r} is not true or false", field="--where")
        return found, text.strip().lower() == "true"
    if found.query is OneOf:
        try:
            return found, [int(v) for v in text.split(",")]
        except ValueError:
            raise InvalidRequest(f"{text!r} is not N or N,N,...", field="--where") from None
    if found.query is Dates:
        start, dots, end = text.partition("..")
        if not dots:
            raise InvalidRequest(f"{text!r} is not START..END", field="--where")
        return found, {k: v for k, v in (("start", start), ("end", end)) if v.strip()}
    return found, _range(text, "--where")


def _read_request(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"cannot read {path}: {exc}", field="--request") from None
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"{path} is not JSON: {exc}", field="--request") from None
    if not isinstance(data, dict):
        raise InvalidRequest(f"{path} must hold a JSON object", field="--request")
    return data


def build_request(options: dict[str, Any]) -> dict[str, Any]:
    """The SearchRequest dict of the command's flags (on top of ``--request``)."""
    request = _read_request(options["request"]) if options["request"] else {}
    filters: dict[str, Any] = dict(request.get("filters") or {})
    for flag, key in (
        ("tag", "tags"),
        ("any_tag", "any_tags"),
        ("exclude_tag", "exclude_tags"),
        ("format", "file_formats"),
        ("source", "ai_source"),
        ("has", "has_metadata"),
        ("prompt", "prompt_keywords"),
    ):
        if options[flag]:
            filters[key] = [*filters.get(key, []), *options[flag]]
    for key, value in _pairs(options["tag_value"], "--tag-value"):
        values = filters.setdefault("tag_values", {})
        current = values.get(key)
        if current is None:
            values[key] = value
        else:
            values[key] = [*([current] if isinstance(current, str) else current), value]
    for key, text in _pairs(options["tag_range"], "--tag-range"):
        filters.setdefault("tag_ranges", {})[key] = _range(text, "--tag-range")
    for key, pattern in _pairs(options["tag_pattern"], "--tag-pattern"):
        filters.setdefault("tag_patterns", {})[key] = pattern
    for flag, key in (
        ("media_type", "media_type"),
        ("project", "project"),
        ("hash", "content_hash"),
        ("filename", "filename_pattern"),
    ):
        if options[flag] is not None:
            filters[key] = options[flag]
    _set_range(filters, "quality_rating", "min", options["min_quality"])
    _set_range(filters, "quality_rating", "max", options["max_quality"])
    _set_range(filters, "file_size", "min", options["min_size"])
    _set_range(filters, "file_size", "max", options["max_size"])
    dims: dict[str, Any] = dict(filters.get("dimensions") or {})
    _set_range(dims, "width", "min", options["min_width"])
    _set_range(dims, "width", "max", options["max_width"])
    _set_range(dims, "height", "min", options["min_height"])
    _set_range(dims, "height", "max", options["max_height"])
    if options["aspect"]:
        dims["aspect_ratio"] = _range(options["aspect"], "--aspect")
    if dims:
        filters["dimensions"] = dims
    if options["since"] or options["until"]:
        dates = dict(filters.get("date_range") or {})
        if options["since"]:
            dates["start"] = options["since"]
        if options["until"]:
            dates["end"] = options["until"]
        filters["date_range"] = dates
    for item in options["where"]:
        declared, value = _where(item)
        holder = filters if declared.group is None else filters.setdefault(declared.group, {})
        holder[declared.name] = value
    request["filters"] = filters
    for flag in ("sort_by", "limit", "offset", "collapse"):
        if options[flag] is not None:
            request[flag] = options[flag]
    if options["desc"] is not None:
        request["order"] = "desc" if options["desc"] else "asc"
    return request


def _render(response: SearchResponse, show_facets: bool) -> None:
    table = asset_table(response.results, console.width)
    if response.results:
        console.print(table)
    console.print(
        f"{len(response.results)} of {response.total_count:,} result(s) "
        f"in {response.query_time_ms:.1f} ms"
    )
    if show_facets and response.facets is not None:
        f = response.facets
        for title, rows in (
            ("tags", [(e.tag, e.count) for e in f.tags]),
            ("ai sources", [(e.source, e.count) for e in f.ai_sources]),
            ("quality ratings", [(str(e.rating), e.count) for e in f.quality_ratings]),
            ("media types", [(e.type, e.count) for e in f.media_types]),
            ("projects", [(e.project, e.count) for e in f.projects]),
            ("file formats", [(e.format, e.count) for e in f.file_formats]),
        ):
            if rows:
                facet = Table(title=title, title_justify="left", box=None)
                facet.add_column("value")
                facet.add_column("count", justify="right")
                for name, count in rows:
                    facet.add_row(name, f"{count:,}")
                console.print(facet)


@search_app.callback()
@handle_errors
def search(
    ctx: typer.Context,
    tag: list[str] = typer.Option([], "--tag", "-t", help="Must have this tag (repeat: all)."),
    any_tag: list[str] = typer.Option([], "--any-tag", help="Must have one of these tags."),
    exclude_tag: list[str] = typer.Option([], "--exclude-tag", "-x", help="Must not have it."),
    tag_value: list[str] = typer.Option(
        [], "--tag-value", help="KEY=VALUE pair, e.g. style=cyberpunk (repeat a key: any of)."
    ),
    tag_range: list[str] = typer.Option(
        [], "--tag-range", help="KEY=MIN..MAX on a pair's number, e.g. character_count=1..3."
    ),
    tag_pattern: list[str] = typer.Option(
        [], "--tag-pattern", help="KEY=REGEX on a pair's value, e.g. color_palette='.*blue.*'."
    ),
    media_type: str | None = typer.Option(None, "--media-type", help="image, video, ..."),
    format: list[str] = typer.Option([], "--format", "-f", help="File format (repeat: any)."),
    min_quality: float | None = typer.Option(None, "--min-quality"),
    max_quality: float | None = typer.Option(None, "--max-quality"),
    min_size: float | None = typer.Option(None, "--min-size", help="Bytes."),
    max_size: float | None = typer.Option(None, "--max-size", help="Bytes."),
    min_width: float | None = typer.Option(None, "--min-width"),
    max_width: float | None = typer.Option(None, "--max-width"),
    min_height: float | None = typer.Option(None, "--min-height"),
    max_height: float | None = typer.Option(None, "--max-height"),
    aspect: str | None = typer.Option(None, "--aspect", help="Width/height range, e.g. 0.8..1.2."),
    source: list[str] = typer.Option([], "--source", help="AI source (repeat: any)."),
    project: str | None = typer.Option(None, "--project", "-p"),
    hash: str | None = typer.Option(None, "--hash", help="Content hash or a prefix of one."),
    has: list[str] = typer.Option([], "--has", help="Metadata key present, e.g. seed."),
    since: str | None = typer.Option(None, "--since", help="Created on or after (ISO 8601)."),
    until: str | None = typer.Option(None, "--until", help="Created on or before (ISO 8601)."),
    filename: str | None = typer.Option(None, "--filename", help="Regex on the file name."),
    prompt: list[str] = typer.Option([], "--prompt", help="Keyword in the prompt (all must)."),
    where: list[str] = typer.Option([], "--where", "-w", help=_WHERE_HELP),
    sort_by: str | None = typer.Option(
        None,
        "--sort",
        help="created_date, modified_date, discovered_date, quality_rating, file_size, "
        "filename, width, height.",
    ),
    desc: bool | None = typer.Option(None, "--desc/--asc", help="Order (default: descending)."),
    limit: int | None = typer.Option(None, "--limit", "-n", help="At most 1000 (default 50)."),
    offset: int | None = typer.Option(None, "--offset"),
    collapse: str | None = typer.Option(
        None, "--collapse", help="variants: one result per prompt + model (any seed)."
    ),
    request: str | None = typer.Option(
        None, "--request", "-r", help="A SearchRequest JSON file ('-': stdin); flags add to it."
    ),
    show_facets: bool = typer.Option(False, "--facets", help="Show facets of the results."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Search the catalog; every flag is one filter and all must hold."""
    options = {k: v for k, v in locals().items() if k not in ("ctx", "show_facets", "as_json")}
    built = build_request(options)
    if ctx.invoked_subcommand is not None:
        ctx.meta[_REQUEST_KEY] = built
        return
    response = open_curata(ctx).search_assets(built).data
    emit(response, as_json, lambda r: _render(r, show_facets))


def _render_saved(items: list[SavedSearch]) -> None:
    if not items:
        console.print("no saved searches")
        return
    table = Table("project", "name", "description", "filters", box=None, header_style="bold")
    for item in items:
        filters = json.dumps(item.request.filters.model_dump(mode="json", exclude_none=True))
        table.add_row(item.project or "(global)", item.name, item.description or "", filters)
    console.print(table)


@search_app.command("save")
@handle_errors
def save(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name of the saved search."),
    project: str | None = typer.Option(None, "--in", help="Project (default: global)."),
    description: str | None = typer.Option(None, "--description"),
    replace: bool = typer.Option(False, "--replace", help="Replace a saved search of that name."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Save the search given by the flags before `save`: `curata search --tag x save NAME`."""
    cur = open_curata(ctx)
    request = ctx.meta.get(_REQUEST_KEY, {})
    result = cur.save_search(
        {
            "name": name,
            "project": project,
            "description": description,
            "request": request,
            "replace": replace,
        }
    )
    emit(result.data, as_json, lambda s: console.print(f"saved search {s.name!r}"))


@search_app.command("run")
@handle_errors
def run(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    project: str | None = typer.Option(None, "--in", help="Project (default: global)."),
    limit: int | None = typer.Option(None, "--limit", "-n"),
    offset: int | None = typer.Option(None, "--offset"),
    show_facets: bool = typer.Option(False, "--facets"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Run a saved search by name."""
    response = open_curata(ctx).run_saved_search(name, project, limit=limit, offset=offset).data
    emit(response, as_json, lambda r: _render(r, show_facets))


@search_app.command("list")
@handle_errors
def list_saved(
    ctx: typer.Context,
    project: str | None = typer.Option(None, "--in", help="Only this project ('' = global)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List saved searches."""
    emit(open_curata(ctx).list_saved_searches(project).data, as_json, _render_saved)


@search_app.command("delete")
@handle_errors
def delete(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    project: str | None = typer.Option(None, "--in", help="Project (default: global)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a saved search."""
    result = open_curata(ctx).delete_saved_search(name, project)
    emit(result.data, as_json, lambda n: console.print(f"deleted saved search {n!r}"))
