"""``select_best_assets``: the best artwork per asset type, by the spec's rules.

Candidates are validated once at the edge (``AssetCandidate`` models; plain dicts are
validated here). The hot loop then reads each candidate's fields once into a flat
integer matrix, and one call of the numba kernel (:mod:`curata.autoselect.kernel`)
computes tiers, applies the filters and ranks every asset type by successive
filtering. Results are light objects; display scores, rank scores and reasons are
computed when first read.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from types import ModuleType
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from curata.autoselect import rules
from curata.autoselect.assettypes import DEFAULT_MIN_RESOLUTION, TEXTLESS_TYPES
from curata.autoselect.duplicates import ExistingIndex, duplicate_clusters
from curata.autoselect.priorities import BALANCED_PRIORITIES, ProviderPriorities
from curata.autoselect.rows import (
    C_FLAGS,
    C_GROUP,
    F_HAS_PHASH,
    N_COLUMNS,
    TYPE_INDEX,
    TYPES,
    languages,
)
from curata.errors import InvalidRequest, invalid_from_pydantic
from curata.models.autoselect import (
    MAX_EDGE,
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
# kernel.BY_VOTES .. BY_KEY, without importing numba here
_BY_VOTES, _BY_RESOLUTION, _BY_PRIORITY, _BY_KEY = 1, 2, 3, 4


@functools.cache
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
        "fallback",
        "fallbacks",
        "min_size",
        "order",
        "provider_of",
        "providers",
        "reasons",
        "rows",
        "start",
        "status",
        "steps",
        "tier",
    )


class Pick:
    """One ranked candidate; ``score``, ``rank_score`` and ``reason`` are computed on read."""

    __slots__ = ("_rank_score", "_selection", "index", "rank", "step")

    def __init__(self, selection: AssetTypeSelection, index: int, rank: int, step: int) -> None:
        self._selection = selection
        self.index = index
        self.rank = rank
        self.step = step
        self._rank_score = -1.0

    @property
    def candidate(self) -> AssetCandidate:
        return self._selection._call.candidates[self.index]

    @property
    def provider(self) -> str:
        call = self._selection._call
        return call.providers[call.provider_of[self.index]]

    @property
    def url(self) -> str:
        return self.candidate.url

    @property
    def tier(self) -> int:
        return self._selection._call.tier[self.index]

    @property
    def score(self) -> float:
        """The spec's display score (0-1)."""
        bonus = self.candidate.__pydantic_private__["_bonus"]  # type: ignore[index]
        return rules.display_score_from(self.tier, bonus)

    @property
    def rank_score(self) -> float:
        """Strictly decreasing down the ranked list; see :func:`rules.rank_score`."""
        if self._rank_score < 0:
            self._selection.ranked  # noqa: B018 - ranking the list sets every rank score
        return self._rank_score

    @property
    def reason(self) -> str:
        """The spec-style reason: the tier phrase, then what decided among equals."""
        selection = self._selection
        c = self.candidate
        neutral = c.language is None or c.language in rules.NEUTRAL_LANGUAGES
        text = tier_phrase(self.tier, neutral, selection.language)
        if selection.textless and neutral:
            text += ", textless"
        step = self.step
        if step == _BY_VOTES:
            text += f", High community votes ({c.votes})"
        elif step == _BY_RESOLUTION:
            text += f", Highest resolution ({c.width}x{c.height})"
        elif step == _BY_PRIORITY:
            text += f", Preferred provider ({self.provider})"
        elif step == _BY_KEY:
            text += ", Equal on every rule; first by stable key"
        return text

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
            order = call.order[s : s + count]
            steps = call.steps[s : s + count]
            tiers = [call.tier[i] for i in order]
            sizes = {t: tiers.count(t) for t in set(tiers)}
            seen: dict[int, int] = {}
            picks = []
            for r in range(count):
                pick = self.winner if r == 0 else Pick(self, order[r], r, steps[r])
                tier = tiers[r]
                position = seen.get(tier, 0)
                seen[tier] = position + 1
                pick._rank_score = rules.rank_score(tier, position, sizes[tier])  # type: ignore[union-attr]
                picks.append(pick)
            self._ranked = picks  # type: ignore[assignment]
        return self._ranked  # type: ignore[return-value]

    @property
    def runners_up(self) -> list[Pick]:
        return self.ranked[1:]

    @property
    def skipped(self) -> list[Skipped]:
        """Candidates of this type that were not ranked, each with the reason."""
        call = self._call
        k = kernel()
        mask = (call.rows[:, C_GROUP] == self._group) & (call.status != k.OK)
        out = []
        for i in np.flatnonzero(mask).tolist():
            status = int(call.status[i])
            candidate = call.candidates[i]
            provider = call.providers[call.provider_of[i]]
            if status in (k.EXISTING, k.DUPLICATE):
                reason = call.reasons[i]
            elif status == k.BELOW_MINIMUM:
                w, h = call.min_size[self._group]
                reason = (
                    f"below the minimum size {w}x{h} "
                    f"({candidate.width or 0}x{candidate.height or 0})"
                )
            elif status == k.DISABLED:
                reason = f"provider {provider} is disabled"
            else:
                reason = "asset type locked by the user"
            out.append(Skipped(candidate, provider, reason))
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
    if not all(type(v) is int and 0 <= v <= MAX_EDGE for v in (width, height)):
        raise InvalidRequest(f"width and height must be integers in 0..{MAX_EDGE}", field=field)
    return width, height


class _Options:
    """Per-call settings, turned into the kernel's per-group table (cached across calls)."""

    __slots__ = (
        "_lang_codes",
        "codes",
        "fallbacks",
        "groups",
        "locked",
        "min_size",
        "textless",
        "threshold",
    )

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
        groups = np.zeros((len(TYPES), 3), np.int64)
        for g, t in enumerate(TYPES):
            groups[g, k.G_FLAGS] = (k.F_TEXTLESS if t in self.textless else 0) | (
                k.F_LOCKED if t in self.locked else 0
            )
            groups[g, k.G_MIN_WIDTH], groups[g, k.G_MIN_HEIGHT] = self.min_size[g]
        self.groups = groups
        if not isinstance(threshold, int) or not 0 <= threshold <= 64:
            raise InvalidRequest("must be an integer between 0 and 64", field="hamming_threshold")
        self.threshold = threshold
        codes: dict[Any, int] = dict.fromkeys(rules.NEUTRAL_LANGUAGES, k.L_NEUTRAL)
        codes[None] = k.L_NEUTRAL
        codes.setdefault(preferred, k.L_EXACT)
        for i, language in enumerate(self.fallbacks):
            codes.setdefault(language, k.L_FALLBACK + i)
        self.codes = codes
        self._lang_codes: np.ndarray = np.zeros(0, np.int64)

    def lang_codes(self) -> np.ndarray:
        """The code of every interned language id (refreshed when new languages appear)."""
        known = languages()  # taken after the call's rows exist: covers their ids
        codes = self._lang_codes  # read once: another thread may replace it
        if len(codes) < len(known):
            get = self.codes.get
            codes = np.array([get(lang, rules.OTHER) for lang in known], np.int64)
            self._lang_codes = codes
        return codes


_COMMON_OPTIONS: dict[tuple[Any, ...], _Options] = {}


def _options(*args: Any) -> _Options:
    """``_Options(*args)``, reused across calls in the common case (no locks, default or
    no minimums): the arguments are those of :class:`_Options`."""
    preferred, fallbacks, locked, min_resolution, prefer_textless, threshold = args
    if locked or min_resolution:
        return _Options(*args)
    key = (preferred, tuple(fallbacks), min_resolution is None, prefer_textless, threshold)
    found = _COMMON_OPTIONS.get(key)
    if found is None:
        found = _Options(*args)
        if len(_COMMON_OPTIONS) < 256:
            _COMMON_OPTIONS[key] = found
    return found


_PRIORITY_TABLES: dict[tuple[int, str, tuple[str, ...]], tuple[Any, ...]] = {}


def _priority_table(
    priorities: ProviderPriorities, media: ArtMediaType, providers: tuple[str, ...]
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """(groups x providers) priority (-1 = disabled) and each group's provider order."""
    key = (id(priorities), media.value, providers)
    found = _PRIORITY_TABLES.get(key)
    if found is not None and found[2] is priorities:
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
    _PRIORITY_TABLES[key] = (table, orders, priorities)
    return table, orders


_NO_KEYRANK = np.zeros(0, np.int64)


class _Batch:
    """The rows of one call and what the kernel needs besides them."""

    def __init__(self, candidates: list[AssetCandidate], rows: np.ndarray, counts: list[int]):
        self.candidates = candidates
        self.rows = rows
        self.counts = np.array(counts, np.int64)
        self.status = np.zeros(len(candidates), np.int64)
        self.reasons: dict[int, str] = {}
        self.keyrank = _NO_KEYRANK

    def provider_of(self) -> list[int]:
        return [p for p, n in enumerate(self.counts.tolist()) for _ in range(n)]


def _gather(candidates: Mapping[str, Sequence[AssetCandidate]]) -> _Batch:
    """The hot path: every candidate's precomputed row (see :mod:`.rows`), joined."""
    flat: list[AssetCandidate] = []
    parts: list[bytes] = []
    counts = []
    for items in candidates.values():
        flat.extend(items)
        parts.extend([c.__pydantic_private__["_row"] for c in items])  # type: ignore[index]
        counts.append(len(items))
    rows = np.frombuffer(b"".join(parts), np.int64).reshape(len(flat), N_COLUMNS)
    return _Batch(flat, rows, counts)


def _run(batch: _Batch, options: _Options, group_prio: np.ndarray, full: bool = True):
    k = kernel()
    return k.rank_groups(
        batch.rows,
        batch.counts,
        batch.status,
        options.lang_codes(),
        group_prio,
        options.groups,
        batch.keyrank,
        full,
    )


def _mark_existing(batch: _Batch, existing: ExistingIndex, providers: tuple[str, ...]) -> None:
    """Skip candidates that duplicate the user's existing art. Only candidates whose URL
    is among the existing art's, or that have a file size or a hash, can match."""
    k = kernel()
    cands = batch.candidates
    suspects: list[int] = []
    if existing.all_urls:
        urls = [c.url for c in cands]
        hits = existing.all_urls.intersection(urls)
        if hits:
            suspects += [i for i, url in enumerate(urls) if url in hits]
    if existing.by_size or existing.hashes:
        suspects += np.flatnonzero(batch.rows[:, C_FLAGS]).tolist()
    if not suspects:
        return
    ends = list(accumulate(batch.counts.tolist()))
    for i in sorted(set(suspects)):
        c = cands[i]
        provider = providers[bisect_right(ends, i)]
        why = existing.match((provider, c.url, c.width, c.height, c.file_size, c.perceptual_hash))
        if why:
            batch.status[i] = k.EXISTING
            batch.reasons[i] = why


def _settle_duplicates(
    batch: _Batch,
    groups: Iterable[int],
    providers: tuple[str, ...],
    threshold: int,
    options: _Options,
    group_prio: np.ndarray,
) -> bool:
    """Among the candidates of each group, keep the best of each duplicate cluster (by the
    same rules, so it does not depend on input order); mark the others. True if any."""
    k = kernel()
    cands, status = batch.candidates, batch.status
    provider_of = batch.provider_of()
    group_col = batch.rows[:, C_GROUP]
    found = False
    for g in groups:
        members = np.flatnonzero((group_col == g) & (status == k.OK)).tolist()
        arts = [
            (
                providers[provider_of[i]],
                cands[i].url,
                cands[i].width or 0,
                cands[i].height or 0,
                cands[i].file_size,
                cands[i].perceptual_hash,
            )
            for i in members
        ]
        for cluster in duplicate_clusters(arts, threshold):
            indices = [members[j] for j in cluster]
            keep = _winner_among(batch, indices, options, group_prio)
            for i in indices:
                if i != keep:
                    found = True
                    status[i] = k.DUPLICATE
                    batch.reasons[i] = (
                        f"duplicate of {providers[provider_of[keep]]} {cands[keep].url}"
                    )
    return found


def _winner_among(
    batch: _Batch, indices: list[int], options: _Options, group_prio: np.ndarray
) -> int:
    """The winner among some rows of a call, by the full rules (ignoring minimums)."""
    k = kernel()
    indices = sorted(indices)
    provider_of = batch.provider_of()
    counts = np.bincount([provider_of[i] for i in indices], minlength=len(batch.counts)).astype(
        np.int64
    )
    sub = _Batch([batch.candidates[i] for i in indices], batch.rows[indices], counts.tolist())
    if len(batch.keyrank):
        sub.keyrank = batch.keyrank[indices]
    plain = options.groups.copy()
    plain[:, k.G_FLAGS] &= ~k.F_LOCKED
    plain[:, k.G_MIN_WIDTH] = plain[:, k.G_MIN_HEIGHT] = 0
    enabled = np.where(group_prio < 0, 1 << 30, group_prio)
    out = k.rank_groups(
        sub.rows, sub.counts, sub.status, options.lang_codes(), enabled, plain, sub.keyrank, False
    )
    parts = k.layout(len(indices), len(TYPES))
    group = int(sub.rows[0, C_GROUP])
    return indices[int(out[parts["order"]][int(out[parts["start"]][group])])]


def _string_keyrank(batch: _Batch, providers: tuple[str, ...]) -> np.ndarray:
    """Stable key ranks from the URLs themselves (used when two URL keys are equal)."""
    provider_of = batch.provider_of()
    keys = [(c.url, providers[p]) for c, p in zip(batch.candidates, provider_of, strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return np.argsort(np.array(order, np.int64)).astype(np.int64)


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
    options = _options(
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
    batch = _gather(candidates)
    n = len(batch.candidates)
    if existing:
        _mark_existing(batch, existing, providers)
    if options.threshold:
        hashed = batch.rows[(batch.rows[:, C_FLAGS] & F_HAS_PHASH) != 0, C_GROUP]
        near = np.flatnonzero(np.bincount(hashed, minlength=len(TYPES)) > 1).tolist()
        if near:
            _settle_duplicates(batch, near, providers, options.threshold, options, group_prio)
    parts = k.layout(n, len(TYPES))
    out = _run(batch, options, group_prio)
    flagged = np.flatnonzero(out[parts["maybe_duplicates"]]).tolist()
    if flagged and _settle_duplicates(
        batch, flagged, providers, options.threshold, options, group_prio
    ):
        out = _run(batch, options, group_prio)
    if out[parts["key_tie"]][0]:
        batch.keyrank = _string_keyrank(batch, providers)
        out = _run(batch, options, group_prio)

    call = _Call()
    call.candidates, call.providers, call.rows = batch.candidates, providers, batch.rows
    call.status, call.reasons = batch.status, batch.reasons
    call.fallbacks, call.min_size = options.fallbacks, options.min_size
    call.order = out[parts["order"]].tolist()
    call.steps = out[parts["steps"]].tolist()
    call.tier = out[parts["tier"]].tolist()
    call.provider_of = out[parts["provider"]].tolist()
    call.start = out[parts["start"]].tolist()
    call.count = out[parts["count"]].tolist()
    call.fallback = out[parts["fallback"]].tolist()
    if wanted is None:
        groups = np.flatnonzero(np.bincount(batch.rows[:, C_GROUP], minlength=len(TYPES)))
        wanted = groups.tolist()
    outcome = SelectionOutcome()
    for g in wanted:
        asset_type = TYPES[g]
        outcome[asset_type] = AssetTypeSelection(
            call, g, orders[g], asset_type in options.textless, asset_type in options.locked
        )
    return outcome
