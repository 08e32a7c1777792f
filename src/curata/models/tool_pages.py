"""Request models of the MCP tools that answer lists: pages and compact items.

An assistant pays for every byte it reads, so a list tool answers one page (``limit``,
default :data:`DEFAULT_TOOL_LIMIT`) of compact items unless asked for more: ``compact``
(default true) keeps the few fields that matter of each asset (:data:`COMPACT_ASSET`),
``compact: false`` gives everything the HTTP API gives. The next page is asked for with
the answer's ``next_cursor``, an opaque string (base64 of the offset) passed back
unchanged as ``cursor``; a cursor that is not one is an ``InvalidRequest`` naming
``cursor``.

:func:`paged` makes such a model from an operation's request model (the registry's
``tool_request``, :mod:`curata.operations`): its fields without ``offset`` and ``limit``,
plus ``limit``, ``cursor`` and ``compact``. :meth:`ToolPage.operation_values` turns it back
into the operation's own request (validated again by the tool, so every rule of the model holds),
asking for one item more than the page to know whether there is a next one. HTTP keeps
the operation's request model: ``offset`` and ``limit`` as before.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, ClassVar

from pydantic import BaseModel, Field, create_model, field_validator

from curata.models.common import MAX_OFFSET, StrictModel

DEFAULT_TOOL_LIMIT = 20
MAX_TOOL_LIMIT = 100
#: The fields of an asset in a compact answer.
COMPACT_ASSET = ("content_hash", "file_path", "media_type", "tags", "quality_rating")
CURSOR_PREFIX = "offset:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The offset of a cursor made by :func:`encode_cursor`; ``ValueError`` otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        text = ""
    number = text.removeprefix(CURSOR_PREFIX)
    if not text.startswith(CURSOR_PREFIX) or not number.isdigit() or int(number) > MAX_OFFSET:
        raise ValueError("not a cursor of this tool: pass an answer's next_cursor unchanged")
    return int(number)


class ToolPage(StrictModel):
    """A page of a list operation, for an assistant (see the module)."""

    #: The operation's request model.
    OPERATION: ClassVar[type[BaseModel]]
    #: Where the list is in the result's ``data`` ("": ``data`` is the list).
    ITEMS: ClassVar[str] = "results"
    #: Where an item's asset is ("": the item is an asset; None: no asset to make compact).
    ASSET: ClassVar[str | None] = None

    # Described once, in the server's instructions (curata.mcp.server), not in each tool.
    limit: int = Field(DEFAULT_TOOL_LIMIT, ge=1, le=MAX_TOOL_LIMIT)
    cursor: str | None = Field(None, max_length=64)
    compact: bool = True

    @field_validator("cursor")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        if value is not None:
            decode_cursor(value)
        return value

    @property
    def start(self) -> int:
        return decode_cursor(self.cursor) if self.cursor else 0

    def operation_values(self) -> dict[str, Any]:
        """The operation's own request (to validate) for this page and one item more."""
        fields = self.OPERATION.model_fields
        values = {name: getattr(self, name) for name in type(self).model_fields if name in fields}
        if "compact" in fields:
            values["compact"] = self.compact
        if "offset" in fields:
            values |= {"offset": self.start, "limit": self.limit + 1}
        elif "limit" in fields:
            ceiling = fields["limit"].metadata
            most = min((m.le for m in ceiling if getattr(m, "le", None) is not None), default=None)
            wanted = self.start + self.limit + 1
            values["limit"] = wanted if most is None else min(wanted, most)
        return values

    def page(self, data: Any) -> tuple[Any, str | None]:
        """``data`` (the operation's result as JSON) cut to this page, its items compact
        unless asked otherwise, and the cursor of the next page (None: the last)."""
        items = data if self.ITEMS == "" else data[self.ITEMS]
        native = "offset" in self.OPERATION.model_fields
        start = 0 if native else self.start
        shown = items[start : start + self.limit]
        more = len(items) > start + self.limit
        if self.compact and self.ASSET is not None:
            shown = [_compact(item, self.ASSET) for item in shown]
        cut = shown if self.ITEMS == "" else {**data, self.ITEMS: shown}
        return cut, encode_cursor(self.start + self.limit) if more else None


def _compact(item: dict[str, Any], where: str) -> dict[str, Any]:
    asset = item if where == "" else item[where]
    small = {key: asset[key] for key in COMPACT_ASSET if key in asset}
    return small if where == "" else {**item, where: small}


def paged(
    operation: type[BaseModel],
    items: str = "results",
    asset: str | None = None,
    **defaults: Any,
) -> type[ToolPage]:
    """The tool request of ``operation``'s model (see the module); ``defaults`` change
    the defaults of its fields for assistants (``facets=False``)."""
    fields: dict[str, Any] = {}
    for name, info in operation.model_fields.items():
        if name in ("offset", "limit") or name in ToolPage.model_fields:
            continue
        if name in defaults:
            info = info._copy()  # a copy with another default
            info.default = defaults[name]
        fields[name] = (info.annotation, info)
    model = create_model(
        f"{operation.__name__}Page",
        __base__=ToolPage,
        __doc__=f"``{operation.__name__}`` a page at a time, for an assistant.",
        **fields,
    )
    model.OPERATION = operation
    model.ITEMS = items
    model.ASSET = asset
    return model
