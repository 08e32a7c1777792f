"""``Curata``: the one structured interface every transport calls.

A thin facade: each method validates its request into a pydantic model, makes one
service call, and wraps the result in a :class:`~curata.models.Response`. The logic
lives in the services (``ingest``, ``search``, ``selections``, ``similarity``,
``autoselect``); the SQL lives in ``catalog``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from curata.catalog import Catalog
from curata.config import resolve_database_url
from curata.errors import invalid_from_pydantic

M = TypeVar("M", bound=BaseModel)


def parse_request(model: type[M], value: M | dict[str, Any], field: str = "") -> M:
    """Accept a model or a plain dict; a bad dict is an ``InvalidRequest`` naming the field."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, field) from None


class Curata:
    """A curata catalog. ``Curata()`` opens the default one (``$CURATA_DATABASE`` or
    ``$CURATA_HOME/catalog.db``); ``Curata(database=URL_OR_PATH)`` any other."""

    def __init__(self, database: str | os.PathLike[str] | None = None) -> None:
        self.catalog = Catalog(resolve_database_url(database))

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Curata:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Curata({self.catalog!r})"


ProgressCallback = Callable[[Any], None]
