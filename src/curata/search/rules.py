"""What an asset offers to the filters: its prompt words, metadata keys and file names.

Pure functions shared by the index builder and by tests that evaluate filters the
slow, obvious way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

_WORD = regex.compile(r"\w+")
GENERATION_PARAMS = "generation_params"


def tokens(text: str | None) -> list[str]:
    """The lower-cased words of a text, in order (``\\w+``, Unicode-aware)."""
    return _WORD.findall(text.lower()) if text else []


def words(text: str | None) -> list[str]:
    """The distinct lower-cased words of a text, in order."""
    return list(dict.fromkeys(tokens(text)))


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def metadata_keys(
    meta: Mapping[str, Any] | None,
    *,
    prompt: str | None = None,
    negative_prompt: str | None = None,
    width: int | None = None,
    height: int | None = None,
    duration: float | None = None,
) -> set[str]:
    """The keys ``has_metadata`` can ask for, lower-cased.

    These are the keys of the asset's ``metadata`` as results show it (its stored
    metadata plus ``prompt``, ``negative_prompt``, ``dimensions``, ``duration``) and the
    keys inside ``metadata.generation_params`` (``seed``, ``cfg_scale``, ...). A key
    whose value is null or empty does not count.
    """
    keys: set[str] = set()
    for key, value in (meta or {}).items():
        if _present(value):
            keys.add(str(key).lower())
    params = (meta or {}).get(GENERATION_PARAMS)
    if isinstance(params, Mapping):
        keys.update(str(k).lower() for k, v in params.items() if _present(v))
    if prompt:
        keys.add("prompt")
    if negative_prompt:
        keys.add("negative_prompt")
    if width is not None and height is not None:
        keys.add("dimensions")
    if duration is not None:
        keys.add("duration")
    return keys


def file_name(path: str) -> str:
    """The last component of a stored path (what ``filename_pattern`` and the
    ``filename`` sort look at)."""
    return path.rstrip("/").rsplit("/", 1)[-1]
