"""Shared base models and the result envelope every ``Curata`` method returns."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class StrictModel(BaseModel):
    """Request models: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Response(BaseModel, Generic[T]):
    """The envelope of every operation (the spec's ``result.data``).

    ``success`` is False only when ``error`` is set; Python callers normally get
    an exception instead, transports catch it and fill ``error``.
    """

    success: bool = True
    message: str = ""
    data: T | None = None
    error: dict[str, Any] | None = None

    @classmethod
    def ok(cls, data: T, message: str = "") -> Response[T]:
        return cls(success=True, message=message, data=data)
