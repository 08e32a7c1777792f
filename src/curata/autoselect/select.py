"""``select_best_assets``: the best artwork per asset type, by the spec's rules.

Candidates are validated once at the edge (``AssetCandidate`` models; plain dicts are
validated here). The hot loop then reads each candidate's fields once into a flat
integer matrix, and one call of the numba kernel (:mod:`curata.autoselect.kernel`)
computes tiers, applies the filters and ranks every asset type by successive
filtering. Results are light objects; display scores, rank scores and reasons are
computed when first read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from types import ModuleType
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from curata.autoselect import rules
from curata.autoselect.assettypes import DEFAULT_MIN_RESOLUTION, TEXTLESS_TYPES
from curata.autoselect.duplicates import ExistingIndex, duplicate_clusters
from curata.autoselect.priorities import BALANCED_PRIORITIES, ProviderPriorities
from curata.errors import InvalidRequest, invalid_from_pydantic
from curata.models.autoselect import (
    ArtMediaType,
    AssetCandidate,
    AssetType,
    ExistingAsset,
    _normalize_language,
)

_CANDIDATES = TypeAdapter(list[AssetCandidate])
_EXISTING = TypeAdapter(list[ExistingAsset])
_MODEL = {AssetCandidate}
_MEDIA_TYPES: dict[Any, ArtMediaType] = {m.value: m for m in ArtMediaType}
TYPES: tuple[str, ...] = tuple(t.value for t in AssetType)
TYPE_INDEX: dict[str, int] = {t: i for i, t in enumerate(TYPES)}
_FIELDS = itemgetter(
    "url",
    "asset_type",
    "width",
    "height",
    "votes",
    "language",
    "quality",
    "metadata",
    "file_size",
    "perceptual_hash",
)
PREFERRED = "preferred"
_L_FALLBACK = 3  # kernel.L_FALLBACK, without importing numba here

_kernel: ModuleType | None = None


def kernel() -> ModuleType:
    """The numba kernel module, imported on first use (numba is slow to import)."""
    global _kernel
    if _kernel is None:
        from curata.autoselect import kernel as module

        _kernel = module
    return _kernel


_TIER_PHRASES = {
    1: "Best quality in preferred language",
    2: "Preferred language",
    3: "HD quality",
    4: "Best available",
}
_STEP_PHRASES = {
    1: "High community votes ({votes})",
    2: "Highest resolution ({width}x{height})",
    3: "Preferred provider ({provider})",
    4: "Equal on every rule; first by URL",
}


def tier_phrase(tier: int, neutral: bool, language: str = PREFERRED) -> str:
    """ "Best quality in preferred language" and its siblings for the other tiers."""
    if tier <= 2 and neutral:
        return "Best quality, language-neutral" if tier == 1 else "Language-neutral"
    if tier <= 2 and language != PREFERRED:
        return (
            f"Best quality in fallback language ({language})"
            if tier == 1
            else f"Fallback language ({language})"
        )
    return _TIER_PHRASES[tier]


class _Call:
    """Everything one ``select_best_assets`` call computed, shared by its results."""

    __slots__ = (
        "candidates",
        "count",
        "data",
        "fallback",
        "fallbacks",
        "group_order",
        "level",
        "min_size",
        "order",
        "providers",
        "reasons",
        "start",
        "status",
        "steps",
        "tier",
        "urls",
    )


class Pick:
    """One ranked candidate; ``score``, ``rank_score`` and ``reason`` are computed on read."""

    __slots__ = ("_place", "_selection", "index", "rank", "step")

    def __init__(self, selection: AssetTypeSelection, index: int, rank: int, step: int) -> None:
        self._selection = selection
        self.index = index
        self.rank = rank
        self.step = step
        self._place: tuple[int, int] | None = None

    @property
    def candidate(self) -> AssetCandidate:
        return self._selection._call.candidates[self.index]

    @property
    def provider(self) -> str:
        call = self._selection._call
        return call.providers[int(call.data[self.index, 6])]

    @property
    def url(self) -> str:
        return self._selection._call.urls[self.index]

    @property
    def tier(self) -> int:
        return self._selection._call.tier[self.index]

    @property
    def score(self) -> float:
        """The spec's display score (0-1)."""
        c = self.candidate
        width, height = c.width or 0, c.height or 0
        return rules.display_score(
            self.tier,
            rules.resolution_score(width * height),
            rules.aspect_ratio_score(
                rules.aspect_ratio_of(width, height, c.aspect_ratio), self._selection.asset_type
            ),
            rules.vote_score(c.votes),
        )

    @property
    def rank_score(self) -> float:
        """Strictly decreasing down the ranked list; see :func:`rules.rank_score`."""
        if self._place is None:
            self._selection.place_picks()
        position, size = self._place  # type: ignore[misc]
        return rules.rank_score(self.tier, position, size)

    @property
    def reason(self) -> str:
        """The spec-style reason: the tier phrase, then what decided among equals."""
        selection = self._selection
        c = self.candidate
        neutral = c.language is None or c.language in rules.NEUTRAL_LANGUAGES
        parts = [tier_phrase(self.tier, neutral, selection.language)]
        if selection.textless and neutral:
            parts.append("textless")
        if self.step:
            parts.append(
                _STEP_PHRASES[self.step].format(
                    votes=c.votes, width=c.width, height=c.height, provider=self.provider
                )
            )
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Pick({self.provider!r}, {self.url!r}, tier={self.tier}, rank={self.rank})"


class Skipped:
    """A candidate that could not be selected, and why."""

    __slots__ = ("candidate", "provider", "reason")

    def __init__(self, candidate: AssetCandidate, provider: str, reason: str) -> None:
        self.candidate = candidate
        self.provider = provider
        self.reason = reason

    def __repr__(self) -> str:
        return f"Skipped({self.provider!r}, {self.candidate.url!r}, {self.reason!r})"


class AssetTypeSelection:
    """The outcome for one asset type: the winner, the ranked list and the skipped."""

    __slots__ = (
        "_call",
        "_group",
        "_ranked",
        "asset_type",
        "language",
        "locked",
        "provider_order",
        "textless",
        "winner",
    )

    def __init__(
        self,
        call: _Call,
        group: int,
        provider_order: tuple[str, ...],
        textless: bool,
        locked: bool,
    ) -> None:
        self._call = call
        self._group = group
        self.asset_type = TYPES[group]
        self.provider_order = provider_order
        self.textless = textless
        self.locked = locked
        self._ranked: list[Pick] | None = None
        fallback = call.fallback[group]
        self.language = PREFERRED if fallback < 0 else call.fallbacks[fallback - _L_FALLBACK]
        if call.count[group]:
            s = call.start[group]
            self.winner: Pick | None = Pick(self, call.order[s], 0, call.steps[s])
        else:
            self.winner = None

    @property
    def ranked(self) -> list[Pick]:
        """Every selectable candidate, best first (the winner is ``ranked[0]``)."""
        if self._ranked is None:
            call = self._call
            s = call.start[self._group]
            count = call.count[self._group]
            order, steps = call.order, call.steps
            picks = [self.winner] if self.winner is not None else []
            picks += [Pick(self, order[s + r], r, steps[s + r]) for r in range(1, count)]
            self._ranked = picks
        return self._ranked

    @property
    def runners_up(self) -> list[Pick]:
        return self.ranked[1:]

    def place_picks(self) -> None:
        """Give every ranked pick its (position inside its tier, size of its tier)."""
        picks = self.ranked
        tiers = [p.tier for p in picks]
        sizes = {t: tiers.count(t) for t in set(tiers)}
        seen: dict[int, int] = {}
        for pick, tier in zip(picks, tiers, strict=True):
            pick._place = (seen.get(tier, 0), sizes[tier])
            seen[tier] = seen.get(tier, 0) + 1

    @property
    def skipped(self) -> list[Skipped]:
        """Candidates of this type that were not ranked, each with the reason."""
        call = self._call
        k = kernel()
        mask = (call.data[:, k.C_GROUP] == self._group) & (call.status != k.OK)
        out = []
        for i in np.flatnonzero(mask).tolist():
            status = int(call.status[i])
            if status in (k.EXISTING, k.DUPLICATE):
                reason = call.reasons[i]
            elif status == k.BELOW_MINIMUM:
                w, h = call.min_size[self._group]
                reason = (
                    f"below the minimum size {w}x{h} "
                    f"({int(call.data[i, k.C_WIDTH])}x{int(call.data[i, k.C_HEIGHT])})"
                )
            elif status == k.DISABLED:
                reason = f"provider {call.providers[int(call.data[i, k.C_PROVIDER])]} is disabled"
            else:
                reason = "asset type locked by the user"
            provider = call.providers[int(call.data[i, k.C_PROVIDER])]
            out.append(Skipped(call.candidates[i], provider, reason))
        return out


class SelectionOutcome(dict[str, AssetTypeSelection]):
    """``select_best_assets``' result: asset type -> :class:`AssetTypeSelection`."""

    def winners(self) -> dict[str, Pick]:
        return {k: v.winner for k, v in self.items() if v.winner is not None}


# ---- validation at the edge -------------------------------------------------------


def _validated(provider_results: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """Dicts become ``AssetCandidate`` (errors name ``provider_results.<name>[i].field``)."""
    if not isinstance(provider_results, Mapping):
        raise InvalidRequest(
            "expected a mapping of provider name to candidates", field="provider_results"
        )
    out: dict[str, Sequence[Any]] = {}
    for name, items in provider_results.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequest(
                "a provider name must be a non-empty string", field="provider_results"
            )
        if isinstance(items, list | tuple) and (not items or set(map(type, items)) == _MODEL):
            out[name] = items
            continue
        if not isinstance(items, list | tuple):
            raise InvalidRequest("expected a list of candidates", field=f"provider_results.{name}")
        try:
            out[name] = _CANDIDATES.validate_python(
                [c.model_dump() if isinstance(c, AssetCandidate) else c for c in items]
            )
        except ValidationError as exc:
            raise invalid_from_pydantic(exc, f"provider_results.{name}") from None
    return out


def _existing(existing_assets: Iterable[Any]) -> list[ExistingAsset]:
    items = list(existing_assets)
    if not items or set(map(type, items)) == {ExistingAsset}:
        return items
    try:
        return _EXISTING.validate_python(
            [e.model_dump() if isinstance(e, ExistingAsset) else e for e in items]
        )
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, "existing_assets") from None


def _enum(kind: type, value: Any, field: str) -> Any:
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise InvalidRequest(f"{value!r} is not one of {allowed}", field=field) from None


_LANGUAGES: dict[Any, str] = {}


def _language(value: Any, field: str) -> str:
    found = _LANGUAGES.get(value) if isinstance(value, str) else None
    if found is not None:
        return found
    try:
        found = _normalize_language(value) or ""
    except ValueError as exc:
        raise InvalidRequest(str(exc), field=field) from None
    if isinstance(value, str) and len(_LANGUAGES) < 1024:
        _LANGUAGES[value] = found
    return found


def _size(value: Any, field: str) -> tuple[int, int]:
    if hasattr(value, "width"):
        width, height = value.width, value.height
    elif isinstance(value, Mapping):
        width, height = value.get("width", 0), value.get("height", 0)
    elif isinstance(value, list | tuple) and len(value) == 2:
        width, height = value
    else:
        raise InvalidRequest("expected (width, height)", field=field)
    if not (isinstance(width, int) and isinstance(height, int) and width >= 0 and height >= 0):
        raise InvalidRequest("width and height must be integers >= 0", field=field)
    return width, height


class _Options:
    """Per-call settings turned into the kernel's per-group arrays."""

    __slots__ = ("codes", "fallbacks", "flags", "locked", "min_size", "textless", "threshold")

    def __init__(
        self,
        preferred: str,
        fallbacks: Sequence[str],
        locked: Iterable[Any],
        min_resolution: Mapping[Any, Any] | None,
        prefer_textless: bool,
        threshold: int,
    ) -> None:
        k = kernel()
        if isinstance(fallbacks, str):
            fallbacks = [fallbacks]
        self.fallbacks = tuple(_language(f, "fallback_languages") for f in fallbacks)
        self.locked = frozenset(_enum(AssetType, t, "locked_asset_types").value for t in locked)
        table = DEFAULT_MIN_RESOLUTION if min_resolution is None else min_resolution
        sizes = {
            _enum(AssetType, key, "min_resolution").value: _size(v, f"min_resolution.{key}")
            for key, v in table.items()
        }
        self.min_size = [sizes.get(t, (0, 0)) for t in TYPES]
        self.textless = TEXTLESS_TYPES if prefer_textless else frozenset()
        flags = np.zeros(len(TYPES), np.int64)
        for g, t in enumerate(TYPES):
            flags[g] = (k.F_TEXTLESS if t in self.textless else 0) | (
                k.F_LOCKED if t in self.locked else 0
            )
        self.flags = flags
        if not isinstance(threshold, int) or not 0 <= threshold <= 64:
            raise InvalidRequest("must be an integer between 0 and 64", field="hamming_threshold")
        self.threshold = threshold
        codes: dict[Any, int] = dict.fromkeys(rules.NEUTRAL_LANGUAGES, k.L_NEUTRAL)
        codes[None] = k.L_NEUTRAL
        codes.setdefault(preferred, k.L_EXACT)
        for i, language in enumerate(self.fallbacks):
            codes.setdefault(language, k.L_FALLBACK + i)
        self.codes = codes

    @property
    def min_width(self) -> np.ndarray:
        return np.array([w for w, _ in self.min_size], np.int64)

    @property
    def min_height(self) -> np.ndarray:
        return np.array([h for _, h in self.min_size], np.int64)


_COMMON_OPTIONS: dict[tuple[Any, ...], tuple[_Options, np.ndarray, np.ndarray]] = {}


def _options(
    preferred: str,
    fallbacks: Sequence[str],
    locked: Iterable[Any],
    min_resolution: Mapping[Any, Any] | None,
    prefer_textless: bool,
    threshold: int,
) -> tuple[_Options, np.ndarray, np.ndarray]:
    """Options and the min width/height arrays, reused across calls in the common case
    (no locks, default or no minimums)."""
    if locked or min_resolution:
        options = _Options(preferred, fallbacks, locked, min_resolution, prefer_textless, threshold)
        return options, options.min_width, options.min_height
    key = (preferred, tuple(fallbacks), min_resolution is None, prefer_textless, threshold)
    found = _COMMON_OPTIONS.get(key)
    if found is None:
        options = _Options(preferred, fallbacks, (), min_resolution, prefer_textless, threshold)
        found = (options, options.min_width, options.min_height)
        if len(_COMMON_OPTIONS) < 256:
            _COMMON_OPTIONS[key] = found
    return found


_PRIORITY_TABLES: dict[tuple[int, str, tuple[str, ...]], tuple[np.ndarray, list[tuple]]] = {}


def _priority_table(
    priorities: ProviderPriorities, media: ArtMediaType, providers: tuple[str, ...]
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """(groups x providers) priority (-1 = disabled) and each group's provider order."""
    key = (id(priorities), media.value, providers)
    found = _PRIORITY_TABLES.get(key)
    if found is not None and found[2] is priorities:  # type: ignore[misc]
        return found[0], found[1]
    table = np.empty((len(TYPES), max(len(providers), 1)), np.int64)
    orders = []
    for g, asset_type in enumerate(TYPES):
        resolved = priorities.resolve(media, asset_type)
        orders.append(resolved.providers)
        last = len(resolved.providers)
        for p, name in enumerate(providers):
            table[g, p] = -1 if name in resolved.disabled else resolved.priority.get(name, last)
    if len(_PRIORITY_TABLES) > 256:
        _PRIORITY_TABLES.clear()
    _PRIORITY_TABLES[key] = (table, orders, priorities)  # type: ignore[assignment]
    return table, orders


# ---- the hot loop ------------------------------------------------------------------


def _extract(
    provider_results: Mapping[str, Sequence[AssetCandidate]], codes: Mapping[Any, int]
) -> tuple[list[int], list[AssetCandidate], list[str], list[int]]:
    """One pass over the candidates: the kernel's integer columns (flat), the candidates,
    their URLs, and the indices of those with a file size or a hash (for duplicates)."""
    flat: list[int] = []
    candidates: list[AssetCandidate] = []
    urls: list[str] = []
    marked: list[int] = []
    push = flat.extend
    keep = candidates.append
    keep_url = urls.append
    type_index = TYPE_INDEX
    hd_qualities = rules.HD_QUALITIES
    hint = rules.has_hd_hint
    fields = _FIELDS
    get_code = codes.get
    other = 2
    i = 0
    for p, items in enumerate(provider_results.values()):
        for c in items:
            url, at, w, h, v, lang, q, md, fs, ph = fields(c.__dict__)
            w = w or 0
            h = h or 0
            hd = w >= 1920 or h >= 1920 or q in hd_qualities or (hint(md) if md else False)
            push((type_index[at], get_code(lang, other), hd, v or 0, w, h, p))
            keep(c)
            keep_url(url)
            if fs is not None or ph is not None:
                marked.append(i)
            i += 1
    return flat, candidates, urls, marked


def _key_rank(
    urls: list[str], unique: bool, providers: list[str], provider_of: np.ndarray
) -> np.ndarray:
    """Each candidate's position when sorted by (url, provider): the stable last key."""
    n = len(urls)
    if unique:
        order: list[int] = sorted(range(n), key=urls.__getitem__)
    else:
        names = [providers[p] for p in provider_of.tolist()]
        order = sorted(range(n), key=lambda i: (urls[i], names[i]))
    return np.argsort(np.array(order, np.int64))


def _mark_duplicates(
    call: _Call,
    flat: list[int],
    marked: list[int],
    threshold: int,
    group_prio: np.ndarray,
    keyrank: np.ndarray,
    urls_unique: bool,
) -> None:
    """Among the candidates of each type, keep the best of each duplicate group (chosen
    by the same rules, so it does not depend on input order); mark the others.

    Only candidates sharing a URL, or having a file size or a hash (``marked``), can be
    duplicates of one another.
    """
    k = kernel()
    width = k.N_COLUMNS
    n = len(call.urls)
    suspects: Sequence[int] = marked if urls_unique else range(n)
    by_group: dict[int, list[int]] = {}
    for i in suspects:
        by_group.setdefault(flat[i * width + k.C_GROUP], []).append(i)
    status = call.status
    for group_members in by_group.values():
        members = [i for i in group_members if status[i] == k.OK]
        if len(members) < 2:
            continue
        arts = [
            (
                call.providers[flat[i * width + k.C_PROVIDER]],
                call.urls[i],
                flat[i * width + k.C_WIDTH],
                flat[i * width + k.C_HEIGHT],
                call.candidates[i].file_size,
                call.candidates[i].perceptual_hash,
            )
            for i in members
        ]
        for cluster in duplicate_clusters(arts, threshold):
            indices = [members[j] for j in cluster]
            keep = indices[_winner_of(call.data[indices], group_prio, keyrank[indices])]
            for i in indices:
                if i != keep:
                    status[i] = k.DUPLICATE
                    provider = call.providers[flat[keep * width + k.C_PROVIDER]]
                    call.reasons[i] = f"duplicate of {provider} {call.urls[keep]}"


def _winner_of(data: np.ndarray, group_prio: np.ndarray, keyrank: np.ndarray) -> int:
    """Index (into ``data``) of the winner by the full rules, without minimums/locks."""
    k = kernel()
    n_groups = group_prio.shape[0]
    zeros = np.zeros(n_groups, np.int64)
    status = np.zeros(len(data), np.int64)
    enabled = np.where(group_prio < 0, 1 << 30, group_prio)
    _, _, order, _, _, _, _ = k.rank_groups(
        data, status, keyrank, enabled, zeros, zeros, zeros, False
    )
    return int(order[0])


def select_best_assets(
    provider_results: Mapping[str, Sequence[AssetCandidate | Mapping[str, Any]]],
    media_type: ArtMediaType | str,
    preferred_language: str = "en",
    existing_assets: Iterable[ExistingAsset | Mapping[str, Any]] = (),
    asset_types: Iterable[AssetType | str] | None = None,
    *,
    priorities: ProviderPriorities | None = None,
    fallback_languages: Sequence[str] = ("en",),
    prefer_textless: bool = True,
    min_resolution: Mapping[Any, Any] | None = None,
    locked_asset_types: Iterable[AssetType | str] = (),
    hamming_threshold: int = 0,
) -> SelectionOutcome:
    """The best candidate per asset type, with ranked runners-up and skipped candidates.

    ``provider_results`` maps a provider name to its candidates (``AssetCandidate`` or
    dicts of its fields). ``priorities`` defaults to the balanced provider order.
    ``fallback_languages`` count as preferred, in order, for an asset type where no
    candidate is in the preferred language or language-neutral. ``min_resolution``
    maps asset type -> (width, height); None means
    :data:`~curata.autoselect.assettypes.DEFAULT_MIN_RESOLUTION`, ``{}`` no minimum.
    Asset types in ``locked_asset_types`` get no winner (their art is never replaced).
    Requested ``asset_types`` without candidates appear with no winner.
    """
    k = kernel()
    media = _MEDIA_TYPES.get(media_type) or _enum(ArtMediaType, media_type, "media_type")
    preferred = _language(preferred_language, "preferred_language")
    options, min_width, min_height = _options(
        preferred,
        fallback_languages,
        locked_asset_types,
        min_resolution,
        prefer_textless,
        hamming_threshold,
    )
    wanted = (
        None
        if asset_types is None
        else [TYPE_INDEX[_enum(AssetType, t, "asset_types").value] for t in asset_types]
    )
    candidates = _validated(provider_results)
    existing = ExistingIndex(_existing(existing_assets), options.threshold)
    providers = tuple(candidates)
    group_prio, orders = _priority_table(priorities or BALANCED_PRIORITIES, media, providers)
    flat, cands, urls, marked = _extract(candidates, options.codes)

    call = _Call()
    call.candidates, call.urls, call.providers = cands, urls, providers
    call.fallbacks, call.min_size, call.reasons = options.fallbacks, options.min_size, {}
    n = len(cands)
    call.data = data = np.array(flat, np.int64).reshape(n, k.N_COLUMNS)
    call.status = status = np.zeros(n, np.int64)
    if existing:
        names = [providers[p] for p in data[:, k.C_PROVIDER].tolist()]
        for i, why in existing.matches(urls, names, marked, cands):
            status[i] = k.EXISTING
            call.reasons[i] = why
    urls_unique = len(set(urls)) == n
    keyrank = _key_rank(urls, urls_unique, list(providers), data[:, k.C_PROVIDER])
    if not urls_unique or (
        len(marked) > 1 and len({flat[i * k.N_COLUMNS] for i in marked}) != len(marked)
    ):
        _mark_duplicates(call, flat, marked, options.threshold, group_prio, keyrank, urls_unique)
    (call.tier, call.level, call.order, call.steps, call.start, call.count, call.fallback) = (
        k.rank_groups(data, status, keyrank, group_prio, options.flags, min_width, min_height, True)
    )
    present = np.bincount(data[:, k.C_GROUP], minlength=len(TYPES))
    groups = np.flatnonzero(present).tolist() if wanted is None else wanted
    outcome = SelectionOutcome()
    for g in groups:
        asset_type = TYPES[g]
        outcome[asset_type] = AssetTypeSelection(
            call, g, orders[g], asset_type in options.textless, asset_type in options.locked
        )
    return outcome
