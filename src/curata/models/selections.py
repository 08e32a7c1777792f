"""Selections (spec: ``selections.md``): requests into and records out of the service.

A selection belongs to a project and holds items (assets with the reasons they were
chosen), optional named groups, an item sequence and an append-only history.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from curata.models.assets import MediaType
from curata.models.base import Record
from curata.models.common import MAX_OFFSET, NonBlank, StrictModel, TagList
from curata.models.paths import DisplayText, FsPath, JsonData, JsonDict
from curata.models.projects import Budget
from curata.models.stats import CountEntry
from curata.slug import SLUG_PATTERN

MAX_NAME = 200
MAX_HISTORY_PAGE = 10_000  # history records in one page
MAX_ITEMS_LIMIT = 10_000_000  # the largest ``max_items`` constraint


class SelectionPurpose(StrEnum):
    CURATION = "curation"
    PRESENTATION = "presentation"
    EXPORT = "export"
    REFERENCE = "reference"
    TRAINING = "training"
    PORTFOLIO = "portfolio"
    SOCIAL_MEDIA = "social_media"


class SelectionStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"
    EXPORTED = "exported"


class ItemRole(StrEnum):
    """The usual roles; any other non-empty text is accepted as a free-form role."""

    HERO = "hero"
    PRIMARY = "primary"
    SUPPORTING = "supporting"
    ALTERNATE = "alternate"


class SelectionAction(StrEnum):
    ADD_ITEMS = "add_items"
    REMOVE_ITEMS = "remove_items"
    UPDATE_ITEMS = "update_items"
    SET_STATUS = "set_status"
    GROUP = "group"
    REORDER = "reorder"
    UPDATE = "update"


class GroupAction(StrEnum):
    CREATE = "create"
    RENAME = "rename"
    DELETE = "delete"
    MOVE = "move"


def _text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise ValueError(f"{what} cannot be blank")
    return text


def group_key(name: str) -> str:
    """Group names are unique per selection regardless of case: ``G1`` is ``g1``."""
    return name.casefold()


class SelectionConstraints(StrictModel):
    """Rules every item of the selection must meet; enforced when items are added and
    when the constraints change (a violation is a ``Conflict`` naming the constraint,
    e.g. ``constraints.max_items``). Unknown keys are refused.

    - ``max_items``: at most this many items;
    - ``media_types``: only assets of these media types;
    - ``min_rating``: only assets rated at least this (0-5); an unrated asset does not
      meet it.
    """

    max_items: int | None = Field(None, ge=1, le=MAX_ITEMS_LIMIT)
    media_types: list[MediaType] | None = Field(None, min_length=1)
    min_rating: int | None = Field(None, ge=0, le=5)

    def stored(self) -> dict[str, Any]:
        """The JSON the catalog keeps (constraints not set are left out)."""
        return self.model_dump(mode="json", exclude_none=True)


class ItemFields(StrictModel):
    """What a selection records about an item. ``role`` is one of :class:`ItemRole` or
    any free text; ``group`` names a group of the selection (it must exist unless the
    request sets ``create_groups``). ``file_path``, when given, must be one of the
    asset's cataloged locations; left out, the asset's best present location is used."""

    file_path: FsPath | None = None
    selection_reason: str | None = None
    quality_notes: str | None = None
    usage_notes: str | None = None
    tags: TagList = Field(default_factory=list)
    role: NonBlank | None = None
    group: NonBlank | None = None
    custom_metadata: JsonDict = Field(default_factory=dict)

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        text = _text(value, "a role")
        if text is not None and text.lower() in ItemRole.__members__.values():
            return text.lower()
        return text

    @field_validator("group")
    @classmethod
    def _group(cls, value: str | None) -> str | None:
        return _text(value, "a group name")


class SelectionItemInput(ItemFields):
    """An item to add (``add_items``) or the fields to change (``update_items``: only the
    fields given are changed; ``null`` clears one). ``asset_hash`` is a content hash, a
    unique prefix of one (6+ hex digits) or a cataloged path."""

    asset_hash: FsPath


# Fields of SelectionUpdateRequest that each action uses (others must be left out).
ACTION_FIELDS: dict[SelectionAction, frozenset[str]] = {
    SelectionAction.ADD_ITEMS: frozenset(
        {"items", "skip_existing", "from_search", "saved_search", "item_defaults", "create_groups"}
    ),
    SelectionAction.REMOVE_ITEMS: frozenset({"asset_hashes"}),
    SelectionAction.UPDATE_ITEMS: frozenset({"items", "create_groups"}),
    SelectionAction.SET_STATUS: frozenset({"status"}),
    SelectionAction.GROUP: frozenset(
        {"group_action", "group", "new_name", "group_description", "asset_hashes", "create_groups"}
    ),
    SelectionAction.REORDER: frozenset({"asset_hashes"}),
    SelectionAction.UPDATE: frozenset(
        {"name", "description", "criteria", "tags", "purpose", "constraints", "budget"}
    ),
}
_COMMON = frozenset({"project_id", "selection_id", "action", "notes", "actor"})
SELECTION_FIELDS = ("name", "description", "criteria", "tags", "purpose", "constraints", "budget")


class SelectionCreateRequest(StrictModel):
    """A new selection in a project. ``selection_id`` defaults to a slug of the name
    (numbered to be unique within the project); the status starts as ``draft``.
    ``budget`` is the selection's own, beside the project's."""

    project_id: str = Field(min_length=1)
    name: NonBlank = Field(min_length=1, max_length=MAX_NAME)
    purpose: SelectionPurpose = SelectionPurpose.CURATION
    description: str | None = None
    criteria: dict[str, Any] = Field(default_factory=dict)
    tags: TagList = Field(default_factory=list)
    constraints: SelectionConstraints = Field(default_factory=SelectionConstraints)
    budget: Budget | None = None
    selection_id: str | None = Field(None, pattern=SLUG_PATTERN)
    actor: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _text(value, "the name") or ""


class SelectionUpdateRequest(StrictModel):
    """One change to a selection; ``action`` says which, and which fields apply:

    - ``add_items``: ``items``, and/or every asset matching ``from_search`` (search
      filters, the spec's ``SearchFilters`` JSON) or the saved search ``saved_search``
      (of the selection's project, else global), in catalog order, each with the fields
      of ``item_defaults``; ``skip_existing`` skips assets already in the selection
      instead of refusing the whole request with a Conflict;
    - ``remove_items``: ``asset_hashes``;
    - ``update_items``: ``items`` (each names its asset; only the fields given change);
    - ``set_status``: ``status`` (see :data:`curata.selections.rules.TRANSITIONS`);
    - ``group``: ``group_action`` create (``group``, ``group_description``), rename
      (``group`` -> ``new_name``), delete (``group``; its items become ungrouped) or
      move (``asset_hashes`` into ``group``; no ``group`` ungroups them);
    - ``reorder``: ``asset_hashes`` in their new order; they take the first positions
      and the other items follow in their current order;
    - ``update``: any of ``name``, ``description``, ``criteria``, ``tags``,
      ``purpose``, ``constraints``, ``budget`` (``null`` clears constraints or budget).

    ``create_groups`` (``add_items``, ``update_items``, group ``move``): create a named
    group that does not exist; without it an unknown group is ``NotFound``.

    ``notes`` and ``actor`` (default: the OS user) go into the history record.
    """

    project_id: str = Field(min_length=1)
    selection_id: str = Field(min_length=1)
    action: SelectionAction
    items: list[SelectionItemInput] | None = None
    skip_existing: bool = False
    from_search: dict[str, Any] | None = None
    saved_search: str | None = Field(None, min_length=1)
    item_defaults: ItemFields | None = None
    asset_hashes: list[FsPath] | None = None
    status: SelectionStatus | None = None
    group_action: GroupAction | None = None
    group: NonBlank | None = None
    new_name: NonBlank | None = None
    group_description: str | None = None
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)
    description: str | None = None
    criteria: dict[str, Any] | None = None
    tags: TagList | None = None
    purpose: SelectionPurpose | None = None
    constraints: SelectionConstraints | None = None
    budget: Budget | None = None
    create_groups: bool = False
    notes: str | None = None
    actor: str | None = None

    @field_validator("group", "new_name")
    @classmethod
    def _group_names(cls, value: str | None) -> str | None:
        return _text(value, "a group name")

    @model_validator(mode="after")
    def _fields_match_action(self) -> SelectionUpdateRequest:
        allowed = ACTION_FIELDS[self.action] | _COMMON
        for name in sorted(self.model_fields_set - allowed):
            raise _field_error(name, f"{name!r} does not apply to action {self.action.value!r}")
        self._require()
        return self

    def _require(self) -> None:
        action = self.action
        searched = self.from_search is not None or self.saved_search is not None
        if action is SelectionAction.ADD_ITEMS and not (self.items or searched):
            raise ValueError("add_items needs 'items', 'from_search' or 'saved_search'")
        if action is SelectionAction.UPDATE_ITEMS and not self.items:
            raise ValueError("update_items needs a non-empty 'items' list")
        if self.from_search is not None and self.saved_search is not None:
            raise ValueError("give 'from_search' or 'saved_search', not both")
        if action in (SelectionAction.REMOVE_ITEMS, SelectionAction.REORDER) and not (
            self.asset_hashes
        ):
            raise ValueError(f"{action.value} needs a non-empty 'asset_hashes' list")
        if action is SelectionAction.SET_STATUS and self.status is None:
            raise ValueError("set_status needs 'status'")
        if action is SelectionAction.UPDATE and not (self.model_fields_set & set(SELECTION_FIELDS)):
            raise ValueError(f"update needs at least one of {', '.join(SELECTION_FIELDS)}")
        if action is SelectionAction.GROUP:
            self._require_group()

    def _require_group(self) -> None:
        ga = self.group_action
        if ga is None:
            raise ValueError("group needs 'group_action' (create, rename, delete or move)")
        if ga is not GroupAction.MOVE and self.group is None:
            raise ValueError(f"group {ga.value} needs 'group' (the group's name)")
        if ga is GroupAction.RENAME and self.new_name is None:
            raise ValueError("group rename needs 'new_name'")
        if ga is GroupAction.MOVE and not self.asset_hashes:
            raise ValueError("group move needs a non-empty 'asset_hashes' list")
        extra = {
            GroupAction.CREATE: {"new_name", "asset_hashes"},
            GroupAction.RENAME: {"asset_hashes", "group_description"},
            GroupAction.DELETE: {"new_name", "asset_hashes", "group_description"},
            GroupAction.MOVE: {"new_name", "group_description"},
        }[ga] & self.model_fields_set
        for name in sorted(extra):
            raise _field_error(name, f"{name!r} does not apply to group {ga.value}")


def _field_error(name: str, message: str) -> ValidationError:
    """A validation error located at the field ``name`` (a model validator's own errors
    otherwise name no field)."""
    error = PydanticCustomError("value_error", message.replace("{", "{{").replace("}", "}}"))
    return ValidationError.from_exception_data(
        "SelectionUpdateRequest", [InitErrorDetails(type=error, loc=(name,), input=None)]
    )


class SelectionItem(Record):
    """An item of a selection, as stored."""

    asset_hash: str
    file_path: FsPath | None = None
    selection_reason: str | None = None
    quality_notes: str | None = None
    usage_notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    role: str | None = None
    group: str | None = None
    position: int
    custom_metadata: JsonDict = Field(default_factory=dict)
    added_at: datetime
    added_by: str | None = None


class SelectionGroup(Record):
    name: str
    description: str | None = None
    position: int = 0
    item_count: int = 0


class HistoryEntry(Record):
    """One change, as recorded; never rewritten."""

    id: int
    at: datetime
    actor: str | None = None
    action: str
    asset_hashes: list[str] = Field(default_factory=list)
    notes: DisplayText | None = None
    before: JsonData = None
    after: JsonData = None


class ExportRecord(Record):
    id: int
    at: datetime
    path: FsPath
    item_count: int
    settings: JsonDict = Field(default_factory=dict)
    actor: str | None = None


class SelectionSummary(Record):
    """A selection without its items (listings). ``id`` is unique within the project."""

    id: str
    project_id: str
    name: str
    purpose: SelectionPurpose
    status: SelectionStatus
    description: str | None = None
    criteria: JsonDict = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    constraints: JsonDict = Field(default_factory=dict)
    budget: Budget | None = None
    created_by: str | None = None
    created_at: datetime
    updated_at: datetime
    item_count: int = 0
    _key: str | None = PrivateAttr(None)

    @property
    def key(self) -> str:
        """The catalog's key of the selection row (never shown; ids repeat across
        projects, keys do not)."""
        if self._key is None:
            raise ValueError("the selection was not read from the catalog")
        return self._key

    @key.setter
    def key(self, value: str) -> None:
        self._key = value


class Selection(SelectionSummary):
    items: list[SelectionItem] = Field(default_factory=list)
    groups: list[SelectionGroup] = Field(default_factory=list)
    exports: list[ExportRecord] = Field(default_factory=list)


class SelectionStats(Record):
    """Statistics of one selection. ``sequence_present``: the items have an order set by
    ``reorder``. ``top_tags`` counts the items' own tags and their assets' tags."""

    selection_id: str
    item_count: int
    total_bytes: int
    role_distribution: list[CountEntry] = Field(default_factory=list)
    media_types: list[CountEntry] = Field(default_factory=list)
    top_tags: list[CountEntry] = Field(default_factory=list)
    group_count: int = 0
    ungrouped_count: int = 0
    sequence_present: bool = False
    export_count: int = 0
    history_count: int = 0
    last_exported_at: datetime | None = None


class SelectionMembership(Record):
    """One selection that holds a given asset (``selections_containing``)."""

    project_id: str
    selection_id: str
    selection_name: str
    status: SelectionStatus
    role: str | None = None
    group: str | None = None
    position: int
    added_at: datetime


class SelectionChange(Record):
    """What ``update_selection`` did: the history record it appended and the selection."""

    history: HistoryEntry
    selection: SelectionSummary


class SelectionListRequest(StrictModel):
    project_id: str | None = None
    status: SelectionStatus | None = None
    purpose: SelectionPurpose | None = None


HISTORY_ACTIONS = frozenset({"create", "export", *SelectionAction})


class SelectionHistoryRequest(StrictModel):
    """History records oldest first; ``action`` keeps only records of that action."""

    project_id: str = Field(min_length=1)
    selection_id: str = Field(min_length=1)
    action: str | None = Field(None, json_schema_extra={"enum": sorted(HISTORY_ACTIONS)})
    limit: int | None = Field(None, ge=1, le=MAX_HISTORY_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("action")
    @classmethod
    def _action(cls, value: str | None) -> str | None:
        if value is not None and value not in HISTORY_ACTIONS:
            known = ", ".join(sorted(HISTORY_ACTIONS))
            raise ValueError(f"unknown history action {value!r} (known: {known})")
        return value
