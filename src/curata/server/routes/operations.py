"""The endpoints of :data:`curata.operations.OPERATIONS`, one per operation.

An operation with a body takes its request model as the JSON body; any other takes the
model's fields as path parameters (the ``{names}`` of its path) and query parameters,
with the fields' own types, limits and descriptions. Either way the endpoint is one
``Curata`` call and answers its envelope.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from curata.interface import parse_request
from curata.models import Response
from curata.operations import OPERATIONS, Operation
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter()


def _parameters(op: Operation, model: type[BaseModel]) -> list[inspect.Parameter]:
    """The endpoint's parameters: the body, or one path or query parameter per field."""
    curata = inspect.Parameter("curata", inspect.Parameter.KEYWORD_ONLY, annotation=CurataDep)
    if op.has_body:
        body = inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=model)
        return [body, curata]
    params = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        kind = Path if key in op.path_params else Query
        info = kind(
            description=field.description,
            examples=field.examples,
            json_schema_extra=field.json_schema_extra,
        )
        default = inspect.Parameter.empty if field.is_required() else field.default
        # the field's own type and constraints, made at run time
        annotation = Annotated[field.annotation, info, *field.metadata]  # type: ignore[name-defined]
        params.append(
            inspect.Parameter(
                key, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
        )
    return [*params, curata]


def _endpoint(op: Operation) -> Callable[..., EnvelopeResponse]:
    model = op.http_request or op.request

    def endpoint(**arguments: Any) -> EnvelopeResponse:
        curata = arguments.pop("curata")
        request = arguments["request"] if op.has_body else parse_request(model, arguments)
        return envelope(op.call(curata, request), op.status)

    endpoint.__name__ = op.name
    endpoint.__doc__ = op.description
    endpoint.__signature__ = inspect.Signature(_parameters(op, model))  # type: ignore[attr-defined]
    return endpoint


for _op in OPERATIONS:
    router.add_api_route(
        _op.path,
        _endpoint(_op),
        methods=[_op.http_method],
        status_code=_op.status,
        response_model=Response[_op.result],  # type: ignore[name-defined]
        responses=error_responses(*_op.errors),
        summary=_op.summary,
        tags=[_op.area],
    )
