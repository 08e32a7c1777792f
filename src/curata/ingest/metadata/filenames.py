"""The last resort: the naming conventions of generators' downloads and output folders.

A match is a guess (``ParsedMetadata.guess`` is true, ``generation_params["guessed_from"]``
is ``"filename"``): a file can be renamed to anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from curata.ingest.metadata.result import (
    AUTOMATIC1111,
    COMFYUI,
    DALL_E,
    FIREFLY,
    FLUX,
    MIDJOURNEY,
    NOVELAI,
    ParsedMetadata,
    clean_text,
    to_int,
)

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _words(text: str) -> str | None:
    return clean_text(re.sub(r"[_]+", " ", text))


Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], dict[str, Any]]]
RULES: tuple[Rule, ...] = (
    (
        DALL_E,
        re.compile(
            r"^DALL[·.\-_ ]?E[ _]\d{4}-\d{2}-\d{2}[ _]\d{2}\.\d{2}\.\d{2}(?:[ _]-[ _](.+))?$"
        ),
        lambda m: {"prompt": _words(m.group(1) or "")},
    ),
    (
        MIDJOURNEY,
        re.compile(rf"^[A-Za-z0-9_.]+?_.+_({_UUID})(?:_\d)?$"),
        lambda m: {"job_id": m.group(1)},
    ),
    (
        FIREFLY,
        re.compile(r"^Firefly[ _]+(.+?)(?:[ _]+\d+)?$"),
        lambda m: {"prompt": _words(m.group(1))},
    ),
    (COMFYUI, re.compile(r"^ComfyUI_\d{5}_?$"), lambda m: {}),
    (
        AUTOMATIC1111,
        re.compile(r"^\d{5}-(\d{1,20})(?:-.*)?$"),
        lambda m: {"seed": to_int(m.group(1))},
    ),
    (
        NOVELAI,
        re.compile(r"^(.+) s-(\d{1,20})$"),
        lambda m: {"prompt": _words(m.group(1)), "seed": to_int(m.group(2))},
    ),
    (FLUX, re.compile(r"^flux[_\-. ]", re.I), lambda m: {}),
)


def guess(path: str) -> ParsedMetadata | None:
    stem = PurePath(path).stem
    for ai_source, pattern, extract in RULES:
        m = pattern.match(stem)
        if m is None:
            continue
        facts = extract(m)
        prompt = facts.pop("prompt", None)
        params = {k: v for k, v in facts.items() if v is not None}
        params["guessed_from"] = "filename"
        return ParsedMetadata(
            ai_source=ai_source,
            prompt=prompt,
            generation_params=params,
            guess=True,
            source="filename",
        )
    return None
