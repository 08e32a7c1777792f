"""Hypothesis strategies: small random catalogs and random search requests over them.

Vocabularies are tiny on purpose, so that random filters hit, miss and overlap.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from curata.catalog.bulk import NewAsset
from tests.search.reference import Record

SIMPLE = ["red", "blue", "cat", "dog", "2"]
PAIRS = ["style:red", "style:noir", "n:1", "n:2", "n:2.5", "n:x", "mood:blue", "color:deep-blue"]
TAGS = SIMPLE + PAIRS
WORDS = ["dragon", "fantasy", "castle", "red", "blue", "dragonfly", "night"]
NAMES = ["a.png", "b.png", "ab.jpg", "Cat.PNG", "dragon_01.png"]
FOLDERS = ["a", "ab", "a/b", "a/bc", "b"]  # folder boundaries: /lib/a/b is not /lib/a/bc
PROJECTS = ["alpha", "beta"]
SOURCES = ["midjourney", "stable-diffusion", "comfyui"]
BASE = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
DAY = 86400.0


@st.composite
def records(draw: st.DrawFn, n: int) -> Record:
    i = draw(st.integers(0, 10**9))
    has_dims = draw(st.booleans())
    # generation parameters as the parsers store them, plus the odd kinds a JSON
    # sidecar may hold (numeric text, text, a list): only numbers are values
    params = draw(
        st.dictionaries(
            st.sampled_from(["seed", "cfg_scale", "steps", "denoise", "width", "height"]),
            st.one_of(
                st.none(),
                st.integers(0, 9),
                st.sampled_from([7.5, 0.35, 2**40 + 1, "7.5", "12", "euler", [3]]),
            ),
            max_size=4,
        )
    )
    media_type = draw(st.sampled_from(["image", "image", "video", "audio"]))
    timed = media_type in ("video", "audio") and draw(st.booleans())
    prompt = draw(st.one_of(st.none(), st.lists(st.sampled_from(WORDS), max_size=4)))
    created = BASE + draw(st.integers(0, 6)) * DAY
    meta: dict[str, Any] = {"generation_params": params} if params else {}
    variant = draw(st.sampled_from([None, None, "0a1b2c3d4e5f6071", "ffee", "v3"]))
    if variant is not None:
        meta["variant_key"] = variant
    return Record(
        content_hash=hashlib.sha256(f"{n}-{i}".encode()).hexdigest(),
        media_type=media_type,
        duration=draw(st.sampled_from([0.5, 3.0, 61.25, 3600.0])) if timed else None,
        file_format=draw(st.sampled_from(["png", "jpeg", None])),
        file_size=draw(st.integers(0, 5)) * 1000,
        width=draw(st.sampled_from([512, 1024, 1536])) if has_dims else None,
        height=draw(st.sampled_from([512, 1024])) if has_dims else None,
        ai_source=draw(st.one_of(st.none(), st.sampled_from(SOURCES))),
        quality_rating=draw(st.one_of(st.none(), st.integers(0, 5))),
        project_id=draw(st.one_of(st.none(), st.sampled_from(PROJECTS))),
        created_at=created,
        modified_at=created + draw(st.integers(0, 3)) * DAY,
        discovered_at=created,
        prompt=None if prompt is None else " ".join(prompt).capitalize(),
        meta=meta,
        tags=sorted(draw(st.sets(st.sampled_from(TAGS), max_size=5))),
        paths=[f"/lib/{draw(st.sampled_from(FOLDERS))}/{n}/{draw(st.sampled_from(NAMES))}"],
    )


@st.composite
def catalogs(draw: st.DrawFn, max_size: int = 20) -> list[Record]:
    size = draw(st.integers(0, max_size))
    out = [draw(records(n)) for n in range(size)]
    unique = {r.content_hash: r for r in out}
    return list(unique.values())


def to_new_asset(r: Record) -> NewAsset:
    return NewAsset(
        content_hash=r.content_hash,
        path=r.paths[0],
        file_size=r.file_size,
        media_type=r.media_type,
        file_format=r.file_format,
        width=r.width,
        height=r.height,
        duration=r.duration,
        ai_source=r.ai_source,
        quality_rating=r.quality_rating,
        project_id=r.project_id,
        prompt=r.prompt,
        meta=r.meta,
        created_at=r.created_at,
        modified_at=r.modified_at,
        discovered_at=r.discovered_at,
        tags=r.tags,
    )


def _range(draw: st.DrawFn, lo: float, hi: float) -> dict[str, float]:
    a = draw(st.one_of(st.none(), st.integers(int(lo), int(hi))))
    b = draw(st.one_of(st.none(), st.integers(int(lo), int(hi))))
    if a is None and b is None:
        a = int(lo)
    if a is not None and b is not None and a > b:
        a, b = b, a
    return {k: v for k, v in (("min", a), ("max", b)) if v is not None}


def _date(day: int) -> str:
    return datetime.fromtimestamp(BASE + day * DAY, tz=UTC).date().isoformat()


@st.composite
def filters(draw: st.DrawFn, hashes: list[str]) -> dict[str, Any]:
    terms = st.sampled_from([*TAGS, "style:blue", "nothing"])
    options: dict[str, Any] = {
        "media_type": st.sampled_from(["image", "video", "document"]),
        "file_formats": st.lists(st.sampled_from(["png", "JPG", ".jpeg", "gif"]), min_size=1),
        "tags": st.lists(terms, max_size=3),
        "any_tags": st.lists(terms, max_size=3),
        "exclude_tags": st.lists(terms, min_size=1, max_size=3),
        "tag_values": st.dictionaries(
            st.sampled_from(["style", "mood", "n"]),
            st.one_of(
                st.sampled_from(["red", "noir", "blue", "2"]),
                st.lists(st.sampled_from(["red", "noir", "BLUE", "1"]), min_size=1, max_size=2),
            ),
            min_size=1,
            max_size=2,
        ),
        "tag_patterns": st.dictionaries(
            st.sampled_from(["style", "mood", "color"]),
            st.sampled_from([".*blue.*", "^no", "r", "[0-9]"]),
            min_size=1,
            max_size=2,
        ),
        "ai_source": st.lists(st.sampled_from([*SOURCES, "Midjourney", "dall-e"]), min_size=1),
        "project": st.sampled_from([*PROJECTS, "Alpha", "gamma"]),
        "has_metadata": st.lists(
            st.sampled_from(["seed", "cfg_scale", "prompt", "dimensions", "steps", "x"]),
            min_size=1,
            max_size=2,
        ),
        "folder": st.sampled_from(
            ["/", "/lib", "/lib/a", "/lib/a/b", "/lib/ab/", "/lib//a/./b", "/lib/a/b/../bc", "/x"]
        ),
        "filename_pattern": st.sampled_from(["^a", "b\\.png$", "(?i)cat", "_0[0-9]", "x"]),
        "prompt_keywords": st.lists(
            st.sampled_from([*WORDS, "Dragon", "red castle", "unicorn"]), min_size=1, max_size=2
        ),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(options)), max_size=4))
    out = {name: draw(options[name]) for name in chosen}
    if draw(st.booleans()):
        out["quality_rating"] = _range(draw, 0, 5)
    if draw(st.booleans()):
        out["file_size"] = _range(draw, 0, 5000)
    if draw(st.booleans()):
        dims: dict[str, Any] = {"width": _range(draw, 500, 1600)}
        if draw(st.booleans()):
            dims["aspect_ratio"] = {"min": 1.0, "max": draw(st.sampled_from([1.0, 1.5, 3.0]))}
        out["dimensions"] = dims
    if draw(st.booleans()):
        start, end = sorted([draw(st.integers(-1, 7)), draw(st.integers(-1, 7))])
        out["date_range"] = {"start": _date(start), "end": _date(end)}
    if draw(st.booleans()):
        r = _range(draw, 0, 3)
        out["tag_ranges"] = {"n": r}
    if draw(st.booleans()):
        out["duration"] = _range(draw, 0, 100)
    if draw(st.integers(0, 3)) == 0:
        out["missing"] = draw(st.booleans())
    if draw(st.booleans()):
        out["generation"] = draw(generation())
    if hashes and draw(st.booleans()):
        out["content_hash"] = draw(st.sampled_from(hashes))[: draw(st.integers(6, 64))]
    return out


@st.composite
def generation(draw: st.DrawFn) -> dict[str, Any]:
    """Filters on generation parameters: seeds exact (one or a list), the rest ranges."""
    options: dict[str, Any] = {
        "seed": st.one_of(st.integers(0, 9), st.lists(st.integers(0, 9), min_size=1, max_size=3)),
        "steps": st.builds(dict, min=st.integers(0, 9)),
        "cfg_scale": st.builds(dict, max=st.sampled_from([3, 7.5, 9])),
        "denoise": st.builds(dict, min=st.just(0.3), max=st.just(1)),
        "width": st.builds(dict, min=st.integers(0, 9)),
        "height": st.builds(dict, max=st.integers(0, 12)),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(options)), min_size=1, max_size=2))
    return {name: draw(options[name]) for name in chosen}


@st.composite
def requests(draw: st.DrawFn, hashes: list[str]) -> dict[str, Any]:
    return {
        "filters": draw(filters(hashes)),
        "sort_by": draw(
            st.sampled_from(
                [
                    "created_date",
                    "modified_date",
                    "discovered_date",
                    "quality_rating",
                    "file_size",
                    "filename",
                    "width",
                    "height",
                ]
            )
        ),
        "order": draw(st.sampled_from(["asc", "desc"])),
        "limit": draw(st.integers(0, 8)),
        "offset": draw(st.integers(0, 6)),
        "collapse": draw(st.sampled_from([None, None, "variants"])),
    }
