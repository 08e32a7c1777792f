"""Projects: named scopes for assets and selections, with an optional budget and spend."""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator

from curata.models.base import Record
from curata.models.common import NonBlank, StrictModel, one_of_given
from curata.slug import SLUG_PATTERN

MAX_AMOUNT = 1e15  # a budget, in its currency
DEFAULT_CURRENCY = "USD"  # of a project without a budget


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Budget(StrictModel):
    """An amount of money and its currency (an ISO 4217 code: three letters, ``USD``)."""

    amount: float = Field(ge=0, le=MAX_AMOUNT)
    currency: str = Field(
        DEFAULT_CURRENCY, min_length=3, max_length=3, json_schema_extra={"pattern": "^[A-Za-z]{3}$"}
    )

    @field_validator("amount")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("the amount must be a finite number")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.strip().upper()
        if not (code.isascii() and code.isalpha() and len(code) == 3):
            raise ValueError(f"{value!r} is not a currency code (three letters, e.g. USD)")
        return code


class ProjectCreateRequest(StrictModel):
    """A new project. ``project_id`` defaults to the slug of the name."""

    name: NonBlank = Field(min_length=1, max_length=200)
    project_id: str | None = Field(None, pattern=SLUG_PATTERN)
    description: str | None = None
    budget: Budget | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("the name cannot be blank")
        return text


class ProjectUpdateRequest(StrictModel):
    """Change a project's name, description or budget. Fields left out stay as they are;
    ``clear_budget`` removes the budget."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                *one_of_given("name", "description", "budget"),
                {"required": ["clear_budget"], "properties": {"clear_budget": {"const": True}}},
            ]
        }
    )

    project_id: str = Field(min_length=1)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    budget: Budget | None = None
    clear_budget: bool = False


class CurrencyTotal(Record):
    """The known costs in one currency: their sum and how many assets had one."""

    currency: str
    amount: float
    assets: int


class Spend(Record):
    """What the assets cost to generate, where their metadata says (``cost``), summed
    per currency and never converted or mixed.

    ``totals``: one sum per currency (sorted by code). ``currency``: the budget's
    currency (without a budget, the project's: its budget's, else ``USD``); ``amount``:
    the total in that currency only. ``remaining``: the budget minus ``amount`` (None
    without a budget); costs in other currencies are in ``totals`` and not taken off.
    ``assets_with_cost`` of ``assets`` had a cost that could be read.
    """

    amount: float = 0.0
    currency: str = DEFAULT_CURRENCY
    totals: list[CurrencyTotal] = Field(default_factory=list)
    assets: int = 0
    assets_with_cost: int = 0
    budget: Budget | None = None
    remaining: float | None = None


class SelectionSpend(Record):
    selection_id: str
    name: str
    budget: Budget | None = None
    spend: Spend


class Project(Record):
    id: str
    name: str
    description: str | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    budget: Budget | None = None
    created_at: datetime
    updated_at: datetime
    asset_count: int = 0
    selection_count: int = 0
    spend: Spend = Field(default_factory=Spend)
    selections: list[SelectionSpend] = Field(default_factory=list)


class ProjectListRequest(StrictModel):
    status: ProjectStatus | None = None
