"""Shared pieces of the CLI's human output: styled text with escaped values, sizes,
paths shortened in the middle, and errors (as text, or as JSON under ``--json``).

The consoles of :mod:`curata.cli.app` print with rich markup switched off, so a path or
a tag like ``[providers.tmdb]`` always prints as written; styled text is built with
:func:`styled`, which escapes every value it puts into its template.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import filesize
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from curata.models import Asset

ELLIPSIS = "…"
#: The narrowest a shortened path gets: room for "…/" and a few letters of the name.
MIN_PATH_WIDTH = 12


def styled(template: str, *values: object) -> Text:
    """``template`` (rich markup, ``{}`` placeholders) with each value escaped:
    ``styled("[bold]{}[/] exported", name)`` never styles or swallows part of ``name``."""
    return Text.from_markup(template.format(*(escape(str(v)) for v in values)))


def human_size(size: float) -> str:
    """Bytes in decimal units: ``999 bytes``, ``6.5 kB``, ``2.8 MB``."""
    return filesize.decimal(int(size))


def shorten_middle(path: str, width: int) -> str:
    """``path`` in at most ``width`` characters: the file name is kept (cut at its
    start only when it alone is too long) and the folders give way in the middle."""
    if len(path) <= width:
        return path
    head, sep, name = path.rpartition("/")
    if len(name) + 2 >= width or not sep:
        return ELLIPSIS + path[-(width - 1) :]
    room = width - len(name) - 2  # "…" and the "/" before the name
    keep_start = (room + 1) // 2
    keep_end = room - keep_start
    return head[:keep_start] + ELLIPSIS + head[len(head) - keep_end :] + "/" + name


def relative(path: str) -> str:
    """``path`` relative to the working folder when it lies below it, else as given."""
    cwd = os.getcwd()
    return path[len(cwd) + 1 :] if path.startswith(cwd + os.sep) else path


class MiddlePath:
    """A table cell holding a path (relative to the working folder when below it): as
    wide as it needs, and when the table is too wide for the terminal, shortened in the
    middle so that the file name stays readable."""

    def __init__(self, path: str, style: str = "") -> None:
        self.path = relative(path)
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(len(self.path), MIN_PATH_WIDTH), len(self.path))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(shorten_middle(self.path, options.max_width), style=self.style, no_wrap=True)


def error_json(code: str, message: str, field: str | None) -> str:
    """The ``--json`` form of an error: ``{"error": {"code", "field", "message"}}``."""
    payload: dict[str, Any] = {"code": code, "field": field, "message": message}
    return json.dumps({"error": payload}, indent=2, ensure_ascii=False)


def error_text(message: str) -> Text:
    return styled("[bold red]error:[/] {}", message)


def asset_table(assets: Sequence[Asset], width: int) -> Table:
    """Search results, one line each at any width: hash, rating, size, dimensions, then
    the path (shortened in the middle, its file name whole when it fits) and the tags
    (cut at the end, with the room the paths leave); the media type and creation date
    only when the terminal has room (``width`` >= 110)."""
    wide = width >= 110
    fixed = 8 + 6 + 9 + 9 + (8 + 10 if wide else 0)  # hash, rating, size, dims, type, created
    columns = 8 if wide else 6
    room = max(20, width - fixed - 2 * (columns - 1))
    paths = [relative(a.file_path) for a in assets]
    longest = max((len(p) for p in paths), default=0)
    names = max((len(p.rpartition("/")[2]) + 2 for p in paths), default=0)
    path_width = min(longest, max(names, room * 2 // 3))
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("hash", no_wrap=True)
    table.add_column("rating", justify="right", no_wrap=True)
    if wide:
        table.add_column("type", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("dims", no_wrap=True)
    if wide:
        table.add_column("created", no_wrap=True)
    table.add_column("path")  # wrapable: the column that gives way (MiddlePath)
    table.add_column("tags", no_wrap=True, max_width=max(4, room - path_width))
    for asset, path in zip(assets, paths, strict=True):
        dims = asset.metadata.get("dimensions")
        row: list[Any] = [
            asset.content_hash[:8],
            "" if asset.quality_rating is None else str(asset.quality_rating),
        ]
        if wide:
            row.append(asset.media_type.value)
        row += [human_size(asset.file_size), f"{dims['width']}x{dims['height']}" if dims else ""]
        if wide:
            row.append(asset.created_at.strftime("%Y-%m-%d") if asset.created_at else "")
        tags = Text(", ".join(asset.tags), no_wrap=True, overflow="ellipsis")
        row += [MiddlePath(path), tags]
        table.add_row(*row)
    return table
