"""Shared base models, bounded field types and the result envelope every ``Curata``
method returns."""

from __future__ import annotations

import functools
import numbers
import types
import unicodedata
from typing import Annotated, Any, Generic, Self, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.config import JsonValue

from curata.models.base import Record
from curata.models.paths import FsPath, display, is_text, may_hold_file_names

T = TypeVar("T")

MAX_TAG_LENGTH = 200
MAX_TAGS = 1000  # tags in one list of a request
MAX_ASSETS = 1000  # assets named by one tag or rating request
MAX_OFFSET = 10**9  # the furthest page offset a request may ask for
MAX_REF_LENGTH = 4096  # a content hash, a prefix of one or a cataloged path


def _shown(text: str) -> str:
    """``text`` quoted for an error message: escaped, and cut when long."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def _clean(text: str, what: str) -> str:
    """``text`` with its whitespace collapsed and lower-cased; a ``ValueError`` when it
    is empty, longer than :data:`MAX_TAG_LENGTH` or holds a control character or an
    unpaired surrogate (which cannot be stored or sent as UTF-8)."""
    if len(text) > 4 * MAX_TAG_LENGTH:
        raise ValueError(f"{what} is {len(text)} characters long; at most {MAX_TAG_LENGTH}")
    clean = " ".join(text.split()).lower()
    if not clean:
        raise ValueError(f"{what} cannot be empty")
    if len(clean) > MAX_TAG_LENGTH:
        raise ValueError(f"{what} is {len(clean)} characters long; at most {MAX_TAG_LENGTH}")
    for char in clean:
        if unicodedata.category(char) in ("Cc", "Cs"):
            kind = "an unpaired surrogate" if unicodedata.category(char) == "Cs" else "a control"
            raise ValueError(f"{what} {_shown(clean)} holds {kind} character U+{ord(char):04X}")
    return clean


def normalize_tag(tag: str) -> str:
    """A tag in catalog form: whitespace collapsed, lower case, ``key:value`` pairs with
    a non-empty key and value around the first colon; 1 to :data:`MAX_TAG_LENGTH`
    characters, no control characters, no unpaired surrogates. ``ValueError`` says why a
    tag is refused."""
    text = _clean(tag, "a tag")
    if ":" in text:
        key, _, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if not key or not value:
            raise ValueError(f"tag {_shown(text)}: a pair needs a key and a value ('key:value')")
        text = f"{key}:{value}"
    return text


def tag_key(key: str) -> str:
    """A pair's key as filters name it: a cleaned tag text without a colon."""
    text = _clean(key, "a tag key")
    if ":" in text:
        raise ValueError(f"tag key {_shown(text)} cannot hold ':'")
    return text


def tag_value(value: str) -> str:
    """A pair's value as filters name it (the part after the key's colon)."""
    return _clean(value, "a tag value")


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# The rules of :func:`_clean` in JSON Schema (ECMA-262 patterns, which Python's ``re``
# reads alike): no control character but the white space that is collapsed, something
# that is not white space, and for a pair a key and a value around the first colon.
_CONTROL = r"\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f"
_SPACE = r"\s\u001c-\u001f\u0085"  # what str.split() splits on
_CHAR = f"[^{_CONTROL}]"
_SOLID = f"[^{_SPACE}{_CONTROL}]"
_KEY_CHAR = f"[^:{_CONTROL}]"
_KEY_SOLID = f"[^:{_SPACE}{_CONTROL}]"
_TEXT_PATTERN = f"^{_CHAR}*{_SOLID}{_CHAR}*$"
_KEY_PATTERN = f"^{_KEY_CHAR}*{_KEY_SOLID}{_KEY_CHAR}*$"
_TAG_PATTERN = f"^{_KEY_CHAR}*{_KEY_SOLID}{_KEY_CHAR}*(?::{_CHAR}*{_SOLID}{_CHAR}*)?$"


#: Text with something in it besides white space (a JSON Schema ``pattern``).
SOLID = r"\S"
#: A name that its validator strips and refuses when empty: the schema says so too.
NonBlank = Annotated[str, Field(json_schema_extra={"pattern": SOLID})]


def _text_schema(pattern: str, description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_TAG_LENGTH,
        "pattern": pattern,
        "description": description,
    }


TAG_KEY_SCHEMA = _text_schema(_KEY_PATTERN, "a tag key")

#: One tag, normalized (:func:`normalize_tag`).
Tag = Annotated[
    str,
    AfterValidator(normalize_tag),
    WithJsonSchema(_text_schema(_TAG_PATTERN, "a tag ('portrait') or a pair ('style:cyberpunk')")),
]
#: A pair's value as filters name it (:func:`tag_value`).
TagValue = Annotated[
    str, AfterValidator(tag_value), WithJsonSchema(_text_schema(_TEXT_PATTERN, "a tag value"))
]
#: Tags of a request: at most :data:`MAX_TAGS`, each a :data:`Tag`, without repeats.
TagList = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_distinct)]


#: The assets a request names (content hashes, prefixes or paths): 1 to :data:`MAX_ASSETS`.
def _ref_length(ref: str) -> str:
    if len(ref) > MAX_REF_LENGTH:
        raise ValueError(f"an asset reference is at most {MAX_REF_LENGTH} characters")
    return ref


#: Assets named by a request: content hashes, prefixes or cataloged paths (any name,
#: :data:`~curata.models.paths.FsPath`), 1 to ``MAX_ASSETS`` of them.
AssetRefs = Annotated[
    list[Annotated[FsPath, AfterValidator(_ref_length)]],
    Field(min_length=1, max_length=MAX_ASSETS),
]


class StrictModel(Record):
    """Request models: unknown fields are an error, never silently dropped; text that is
    not valid Unicode (an unpaired surrogate, which JSON can smuggle in as ``"\\ud800"``
    and which no catalog can store) is an ``InvalidRequest`` naming the field. Fields that
    carry file names (:func:`~curata.models.paths.may_hold_file_names`) keep theirs."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        """Numbers and booleans as JSON types them, as the schema says: ``true`` is not
        a number, ``"5"`` neither, ``1`` is not a boolean (pydantic alone would accept
        them)."""
        kind = scalar_fields(cls).get(info.field_name or "")
        if kind is None or value is None:
            return value
        if kind is bool:
            fits = isinstance(value, bool)
        else:
            fits = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not fits:
            shown = _shown(value) if isinstance(value, str) else repr(value)[:40]
            raise ValueError(f"must be {_WANTED[kind]}, not {shown}")
        return value

    @model_validator(mode="after")
    def _text_is_unicode(self) -> Self:
        for name in _text_fields(type(self)):
            where = unpaired_surrogate(getattr(self, name))
            if where is not None:
                from curata.errors import InvalidRequest  # errors imports models

                raise InvalidRequest(
                    "holds an unpaired surrogate (U+D800-U+DFFF), which is not text; a file "
                    'name that is not UTF-8 goes in a path field, as the {"text", "base64"} '
                    "object",
                    field=name + where,
                )
        return self


@functools.cache
def _text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that hold text, not file names."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if not may_hold_file_names(info.annotation, *info.metadata)
    )


_WANTED = {bool: "a boolean (true or false)", int: "an integer", float: "a number"}


@functools.cache
def scalar_fields(model: type[BaseModel]) -> dict[str, type]:
    """The fields of ``model`` that hold a number (kind ``int`` when only an integer
    will do, else ``float``) or a boolean, optional or not."""
    found: dict[str, type] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) in (Union, types.UnionType):
            kinds = set(get_args(annotation)) - {type(None)}
        else:
            kinds = {annotation}
        if kinds == {bool}:
            found[name] = bool
        elif kinds == {int}:
            found[name] = int
        elif kinds and kinds <= {int, float}:
            found[name] = float
    return found


def one_of_given(*names: str) -> list[JsonValue]:
    """JSON Schema ``anyOf`` branches: at least one of ``names`` is given, not null."""
    return [{"required": [n], "properties": {n: {"not": {"type": "null"}}}} for n in names]


def unpaired_surrogate(value: Any) -> str | None:
    """Where in ``value`` (strings, lists, dicts; not nested models, which check their
    own fields) a string holds an unpaired surrogate: ``""`` for ``value`` itself,
    ``".2.reason"`` for one inside, None when there is none."""
    if isinstance(value, str):
        return None if is_text(value) else ""
    if isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            where = unpaired_surrogate(item)
            if where is not None:
                return f".{i}{where}"
    elif isinstance(value, dict):
        for key, item in value.items():
            where = unpaired_surrogate(key)
            if where is None:
                where = unpaired_surrogate(item)
            if where is not None:
                return f".{display(str(key))}{where}"
    return None


class Response(Record, Generic[T]):
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
