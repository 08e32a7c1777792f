"""File paths whose names are not UTF-8, in Python and in JSON.

In Python a path is a ``str``; a name that is not valid UTF-8 carries its undecodable
bytes as lone surrogates (PEP 383, :func:`os.fsdecode`), so it names the file exactly.
JSON cannot carry lone surrogates, so every JSON form of a path (HTTP, MCP, ``--json``,
export manifests) is:

- a plain string when the name is valid UTF-8 (nearly always);
- otherwise the object ``{"text": ..., "base64": ...}``: ``text`` is the name with each
  undecodable byte shown as U+FFFD (for people), ``base64`` the exact bytes of the name
  (``os.fsencode(path)``, standard alphabet, padded).

Every field that accepts a path accepts both forms and turns the object back into the
exact ``str``, so a path read from a response can be sent back unchanged.
:data:`FsPath` is that type; :data:`JsonDict` and :data:`JsonData` keep free-form values
(metadata, history records) serializable when a file name found its way into them, and
:data:`DisplayText` free text that may quote one (notes, reasons).
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Annotated, Any, get_args

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticSerializationError, to_json

#: Lone surrogates: undecodable bytes 0x80-0xFF as :func:`os.fsdecode` represents them
#: (U+DC80-U+DCFF), and any other a JSON text may have smuggled in.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")

PATH_OBJECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "NonUtf8Path",
    "description": "A file name that is not valid UTF-8: 'text' shows each undecodable "
    "byte as U+FFFD, 'base64' holds the exact bytes of the path.",
    "properties": {
        "text": {"type": "string"},
        "base64": {
            "type": "string",
            "contentEncoding": "base64",
            "minLength": 4,  # a name has at least one byte
            "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        },
    },
    "required": ["text", "base64"],
    "additionalProperties": False,
}
PATH_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "minLength": 1, "pattern": "^[^\\u0000]*$"}, PATH_OBJECT_SCHEMA]
}


def is_text(value: str) -> bool:
    """Whether ``value`` is valid Unicode text (encodable as UTF-8)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display(path: str) -> str:
    """``path`` for people: each undecodable byte of the name shown as U+FFFD."""
    return path if is_text(path) else path.translate(_SURROGATES)


def path_to_json(path: str) -> str | dict[str, str]:
    """The JSON form of a path: itself, or ``{"text", "base64"}`` when not UTF-8."""
    if is_text(path):
        return path
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate no file name decodes to
        return display(path)
    return {"text": display(path), "base64": base64.b64encode(raw).decode("ascii")}


def path_from_json(value: Any) -> Any:
    """A path given as a string or as the ``{"text", "base64"}`` object, as the exact
    ``str`` of :func:`os.fsdecode`. Anything else is left for pydantic to reject."""
    if isinstance(value, dict):
        if set(value) != {"text", "base64"} or not all(isinstance(v, str) for v in value.values()):
            raise ValueError("a path object has exactly the strings 'text' and 'base64'")
        try:
            raw = base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("'base64' is not valid base64") from None
        value = os.fsdecode(raw)
    if isinstance(value, str):
        if not value:
            raise ValueError("a path cannot be empty")
        if "\x00" in value:
            raise ValueError("a path cannot contain NUL")
        if not is_text(value):
            try:
                os.fsencode(value)
            except UnicodeEncodeError:
                raise ValueError(
                    "not a file name: lone surrogates other than U+DC80-U+DCFF"
                ) from None
    return value


#: A filesystem path (or a reference that may be one: a content hash or a cataloged
#: path): a non-empty ``str`` in Python, :func:`path_to_json` in JSON, either form
#: accepted. Give it no pydantic string constraints (``min_length``...): pydantic
#: checks those on a copy that cannot hold lone surrogates, and refuses the name.
FsPath = Annotated[
    str,
    BeforeValidator(path_from_json),
    PlainSerializer(path_to_json, return_type=str | dict[str, str], when_used="json"),
    WithJsonSchema(PATH_SCHEMA),
]


def json_safe(value: Any) -> Any:
    """``value`` with every string that is not valid text in its JSON path form
    (:func:`path_to_json`; a dict key, which must stay a string, as :func:`display`)."""
    if isinstance(value, str):
        return path_to_json(value)
    if isinstance(value, dict):
        return {(display(k) if isinstance(k, str) else k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def _safe_data(value: Any) -> Any:
    """Free-form data as JSON can carry it; checked at native speed, rebuilt only when
    some string in it is not valid text."""
    try:
        to_json(value)
    except PydanticSerializationError:
        return json_safe(value)
    return value


#: Free-form values (metadata, history records) that may hold file names: unchanged in
#: Python; in JSON a string that is not valid text takes the path object form.
JsonData = Annotated[Any, PlainSerializer(_safe_data, when_used="json")]
JsonDict = Annotated[
    dict[str, Any], PlainSerializer(_safe_data, when_used="json", return_type=dict[str, Any])
]

#: Free text that may quote a file name (notes, reasons): ``str`` in Python; in JSON a
#: character that is not valid text is shown as U+FFFD (:func:`display`).
DisplayText = Annotated[str, PlainSerializer(display, return_type=str, when_used="json")]


def may_hold_file_names(*annotations: Any) -> bool:
    """Whether a type (or ``Annotated`` metadata) is, or contains, one of the types above
    that carry file names exactly (:data:`FsPath`, :data:`JsonData`, :data:`JsonDict`,
    :data:`DisplayText`): in Python their strings may hold :func:`os.fsdecode`'s
    surrogates, and the catalog's codec stores them."""
    for item in annotations:
        if isinstance(item, BeforeValidator) and item.func is path_from_json:
            return True
        if isinstance(item, PlainSerializer) and item.func in (_safe_data, display):
            return True
        if may_hold_file_names(*get_args(item), *getattr(item, "__metadata__", ())):
            return True
    return False
