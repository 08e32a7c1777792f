"""``select_best_assets``: the best artwork per asset type, by the spec's rules.

Candidates are validated at the edge (``AssetCandidate``; dicts are validated here).
Per asset type the selection skips what cannot be chosen (locked type, disabled
provider, below the policy's minimum size, already present), keeps the best of each
duplicate cluster, and ranks the rest with :mod:`curata.autoselect.rank`. The policy
(:mod:`curata.autoselect.policy`) says which extras apply; the default is the spec.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

from pydantic import TypeAdapter, ValidationError

from curata.autoselect import policy as policies
from curata.autoselect import rules
from curata.autoselect.assettypes import TEXTLESS_TYPES
from curata.autoselect.duplicates import Art, duplicate_clusters
from curata.autoselect.existing import ExistingArt, same_rule
from curata.autoselect.priorities import BALANCED_PRIORITIES, ProviderPriorities
from curata.autoselect.rank import Entry, choose, choose_two, decided_by, deciding_rules, rank
from curata.errors import InvalidRequest, invalid_from_pydantic
from curata.models.autoselect import (
    ArtMediaType,
    AssetCandidate,
    AssetType,
    DecidedBy,
    ExistingAsset,
    PolicyName,
    Resolution,
    SelectionPolicy,
    _normalize_language,
)

_CANDIDATES = TypeAdapter(list[AssetCandidate])
_EXISTING = TypeAdapter(list[ExistingAsset])
PREFERRED = "preferred"

_TIER_PHRASES = {
    1: "Best quality in preferred language",
    2: "Preferred language",
    3: "HD quality",
    4: "Best available",
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


def _is_neutral(language: str | None) -> bool:
    return language is None or language in rules.NEUTRAL_LANGUAGES


@dataclass(frozen=True, slots=True)
class Pick:
    """One ranked candidate: its tier, display and rank scores, and why it ranks there."""

    rank: int
    provider: str
    candidate: AssetCandidate
    tier: int
    score: float
    rank_score: float
    reason: str
    decided_by: DecidedBy

    @property
    def url(self) -> str:
        return self.candidate.url


@dataclass(frozen=True, slots=True)
class Skipped:
    """A candidate that could not be selected, and why."""

    candidate: AssetCandidate
    provider: str
    reason: str


class AssetTypeSelection:
    """The outcome for one asset type: the winner, the ranked list and the skipped.

    The winner is chosen in O(n) (:func:`~curata.autoselect.rank.choose`); the ranked
    list is ranked (O(n log n)) and its :class:`Pick` objects made when first read."""

    def __init__(
        self,
        asset_type: str,
        entries: list[Entry],
        items: Sequence[tuple[str, AssetCandidate]],
        skipped: list[Skipped],
        provider_order: tuple[str, ...],
        language: str,
        textless: bool,
        locked: bool,
    ) -> None:
        self.asset_type = asset_type
        self.skipped = skipped
        self.provider_order = provider_order
        self.language = language
        self.textless = textless
        self.locked = locked
        self._items = items
        self._entries = entries

    @cached_property
    def _order(self) -> list[Entry]:
        """Every entry ranked (O(n log n)), made on first read of ``ranked``."""
        return rank(self._entries)

    def _pick(
        self, entry: Entry, position: int, decided: DecidedBy, before: int, tier_size: int
    ) -> Pick:
        """``entry`` ranked at ``position``, ``before`` others of its tier ahead of it."""
        provider, candidate = self._items[entry.index]
        tier = entry.tier
        return Pick(
            rank=position,
            provider=provider,
            candidate=candidate,
            tier=tier,
            score=rules.display_score(
                tier,
                rules.resolution_score(entry.pixels),
                rules.aspect_ratio_score(
                    rules.aspect_ratio_of(
                        candidate.width, candidate.height, candidate.aspect_ratio
                    ),
                    self.asset_type,
                ),
                rules.vote_score(entry.votes),
            ),
            rank_score=rules.rank_score(tier, before, tier_size),
            reason=self._reason(entry, candidate, provider, decided),
            decided_by=decided,
        )

    def _reason(
        self, entry: Entry, candidate: AssetCandidate, provider: str, decided: DecidedBy
    ) -> str:
        neutral = _is_neutral(candidate.language)
        text = tier_phrase(entry.tier, neutral, self.language)
        if self.textless and neutral:
            text += ", textless"
        if decided is DecidedBy.VOTES:
            text += f", High community votes ({entry.votes})"
        elif decided is DecidedBy.RESOLUTION:
            text += f", Highest resolution ({candidate.width}x{candidate.height})"
        elif decided is DecidedBy.PROVIDER:
            text += f", Preferred provider ({provider})"
        elif decided is DecidedBy.KEY:
            text += ", Equal on every rule; first by stable key"
        return text

    @cached_property
    def ranked(self) -> list[Pick]:
        """Every selectable candidate, best first (the winner is ``ranked[0]``)."""
        tier_sizes: dict[int, int] = {}
        for e in self._order:
            tier_sizes[e.tier] = tier_sizes.get(e.tier, 0) + 1
        decided = deciding_rules(self._order)
        seen: dict[int, int] = {}
        picks = []
        for position, e in enumerate(self._order):
            before = seen.get(e.tier, 0)
            seen[e.tier] = before + 1
            picks.append(self._pick(e, position, decided[position], before, tier_sizes[e.tier]))
        return picks

    @cached_property
    def winner(self) -> Pick | None:
        """``ranked[0]``, made without making the whole list."""
        entries = self._entries
        if not entries:
            return None
        if "ranked" in self.__dict__:
            return self.ranked[0]
        first, second = choose_two(entries)  # O(n): the ranked list is not needed
        decided = decided_by(first, second, second is None)
        return self._pick(first, 0, decided, 0, 1)  # first of its tier: rank_score (5 - tier) / 4

    @property
    def runners_up(self) -> list[Pick]:
        return self.ranked[1:]


class SelectionOutcome(dict[str, AssetTypeSelection]):
    """``select_best_assets``' result: asset type -> :class:`AssetTypeSelection`, and the
    policy it was chosen by."""

    def __init__(self, policy: SelectionPolicy) -> None:
        super().__init__()
        self.policy = policy

    def winners(self) -> dict[str, Pick]:
        return {k: v.winner for k, v in self.items() if v.winner is not None}


# ---- validation at the edge -------------------------------------------------------


def _validated(provider_results: Mapping[str, Sequence[Any]]) -> dict[str, list[AssetCandidate]]:
    """Dicts become ``AssetCandidate`` (errors name ``provider_results.<name>[i].field``);
    a candidate's own ``provider`` must be the key it is listed under."""
    if not isinstance(provider_results, Mapping):
        raise InvalidRequest(
            "expected a mapping of provider name to candidates", field="provider_results"
        )
    out: dict[str, list[AssetCandidate]] = {}
    for name, items in provider_results.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequest(
                "a provider name must be a non-empty string", field="provider_results"
            )
        if not isinstance(items, list | tuple):
            raise InvalidRequest("expected a list of candidates", field=f"provider_results.{name}")
        if {type(c) for c in items} <= {AssetCandidate}:  # a set: cheaper than all()
            validated = list(items)
        else:
            try:
                validated = _CANDIDATES.validate_python(
                    [c.model_dump() if isinstance(c, AssetCandidate) else c for c in items]
                )
            except ValidationError as exc:
                raise invalid_from_pydantic(exc, f"provider_results.{name}") from None
        if not {c.provider for c in validated} <= {None, name}:
            i, said = next(
                (i, c.provider) for i, c in enumerate(validated) if c.provider not in (None, name)
            )
            raise InvalidRequest(
                f"the candidate says provider {said!r} but is listed under {name!r}",
                field=f"provider_results.{name}[{i}].provider",
            )
        out[name] = validated
    return out


def _existing(existing_assets: Iterable[Any]) -> list[ExistingAsset]:
    items = list(existing_assets)
    if all(type(e) is ExistingAsset for e in items):
        return items
    try:
        return _EXISTING.validate_python(
            [e.model_dump() if isinstance(e, ExistingAsset) else e for e in items]
        )
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, "existing_assets") from None


def _enum(kind: type, value: Any, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise InvalidRequest(f"{value!r} is not one of {allowed}", field=field) from None


def _language(value: Any, field: str) -> str:
    try:
        return _normalize_language(value) or ""
    except ValueError as exc:
        raise InvalidRequest(str(exc), field=field) from None


def _policy(value: SelectionPolicy | PolicyName | str | None) -> SelectionPolicy:
    if isinstance(value, SelectionPolicy):
        return value
    if value is None:
        return policies.SPEC
    return policies.named(_enum(PolicyName, value, "policy"))


def _fallbacks(policy: SelectionPolicy, preferred: str, original: str | None) -> list[str]:
    chain = list(policy.fallback_languages)
    if policy.prefer_original_language and original:
        chain.insert(0, original)
    return [lang for lang in dict.fromkeys(chain) if lang and lang != preferred]


def _skip_reason(
    c: AssetCandidate,
    provider: str,
    locked: bool,
    disabled: frozenset[str],
    minimum: Resolution | None,
    existing: ExistingArt,
) -> str | None:
    """Why a candidate cannot be selected at all, or None."""
    if locked:
        return "asset type locked by the user"
    if provider in disabled:
        return f"provider {provider} is disabled"
    if minimum is not None and (
        (c.width and c.width < minimum.width) or (c.height and c.height < minimum.height)
    ):
        size = f"{c.width or 0}x{c.height or 0}"
        return f"below the minimum size {minimum.width}x{minimum.height} ({size})"
    return existing.match(c, provider) if existing.items else None


# ---- the selection ----------------------------------------------------------------


def select_best_assets(
    provider_results: Mapping[str, Sequence[AssetCandidate | Mapping[str, Any]]],
    media_type: ArtMediaType | str,
    preferred_language: str = "en",
    existing_assets: Iterable[ExistingAsset | Mapping[str, Any]] = (),
    asset_types: Iterable[AssetType | str] | None = None,
    *,
    priorities: ProviderPriorities | None = None,
    policy: SelectionPolicy | PolicyName | str | None = None,
    original_language: str | None = None,
    locked_asset_types: Iterable[AssetType | str] = (),
    hamming_threshold: int = 0,
) -> SelectionOutcome:
    """The best candidate per asset type, with ranked runners-up and skipped candidates.

    ``provider_results`` maps a provider name to its candidates (``AssetCandidate`` or
    dicts of its fields). ``priorities`` defaults to the balanced provider order;
    ``policy`` to ``spec`` (the spec's rules and nothing else; see
    :mod:`curata.autoselect.policy`). ``original_language`` is the item's, for a policy
    that prefers it. Asset types in ``locked_asset_types`` get no winner. Requested
    ``asset_types`` without candidates appear with no winner. ``hamming_threshold``
    (0-64) lets perceptual hashes that many bits apart count as duplicates.
    """
    media = _enum(ArtMediaType, media_type, "media_type")
    preferred = _language(preferred_language, "preferred_language")
    original = _language(original_language, "original_language") or None
    chosen = _policy(policy)
    if type(hamming_threshold) is not int or not 0 <= hamming_threshold <= 64:
        raise InvalidRequest("must be an integer between 0 and 64", field="hamming_threshold")
    locked = {_enum(AssetType, t, "locked_asset_types").value for t in locked_asset_types}
    wanted = (
        None
        if asset_types is None
        else [_enum(AssetType, t, "asset_types").value for t in asset_types]
    )
    existing = ExistingArt(_existing(existing_assets), hamming_threshold)
    by_type: defaultdict[str, list[tuple[str, AssetCandidate]]] = defaultdict(list)
    for provider, items in _validated(provider_results).items():
        for c in items:
            by_type[c.asset_type].append((provider, c))
    fallbacks = _fallbacks(chosen, preferred, original)
    order = priorities or BALANCED_PRIORITIES
    outcome = SelectionOutcome(chosen)
    for asset_type in wanted if wanted is not None else [t for t in AssetType if t in by_type]:
        outcome[asset_type] = _select_type(
            str(asset_type),
            by_type.get(asset_type, []),
            order.resolve(media, asset_type),
            existing,
            chosen,
            preferred,
            fallbacks,
            asset_type in locked,
            hamming_threshold,
        )
    return outcome


_RANKED_FIELDS = attrgetter(
    "language", "width", "height", "quality", "metadata", "votes", "url", "file_size",
    "perceptual_hash",
)  # fmt: skip
"""What the ranking and the duplicate rules read of a candidate, in one call."""

# _LEVELS[textless] = the level (2 * tier, + 1 for art with text when textless is
# preferred) by hd of an exact, a neutral and another language.
_LEVELS = {
    textless: tuple(
        tuple(2 * tier + (textless and cls != rules.NEUTRAL) for tier in rules.TIERS[cls])
        for cls in (rules.EXACT, rules.NEUTRAL, rules.OTHER)
    )
    for textless in (False, True)
}


def _select_type(
    asset_type: str,
    items: list[tuple[str, AssetCandidate]],
    resolved: Any,
    existing: ExistingArt,
    policy: SelectionPolicy,
    preferred: str,
    fallbacks: list[str],
    locked: bool,
    threshold: int,
) -> AssetTypeSelection:
    skipped: list[Skipped] = []
    minimum = policy.min_resolution.get(asset_type)  # type: ignore[call-overload]
    kept = items
    always = locked or bool(resolved.disabled) or minimum is not None
    if always or existing.items:
        kept = []
        urls, sizes, hashed = existing.urls, existing.sizes, existing.hashed
        for item in items:
            provider, c = item
            if (  # the rules apply, or a set lookup says an existing asset may match
                always
                or c.url in urls
                or (c.width, c.height, c.file_size) in sizes
                or (hashed and c.perceptual_hash)
            ):
                why = _skip_reason(c, provider, locked, resolved.disabled, minimum, existing)
                if why:
                    skipped.append(Skipped(c, provider, why))
                    continue
            kept.append(item)
    language = PREFERRED
    target = preferred
    if fallbacks and not any(_is_neutral(c.language) or c.language == preferred for _, c in kept):
        present = {c.language for _, c in kept}
        found = next((lang for lang in fallbacks if lang in present), None)
        if found is not None:
            language = target = found
    textless = policy.prefer_textless and asset_type in TEXTLESS_TYPES
    # The level of rules.tier_of / rules.is_hd, read once per candidate (the hot loop).
    exact, neutral, other = _LEVELS[textless]
    priority = resolved.priority
    last = len(resolved.providers)
    neutral_languages = rules.NEUTRAL_LANGUAGES
    hd_qualities = rules.HD_QUALITIES
    hd_edge = rules.HD_EDGE
    hint = rules.has_hd_hint
    entries: list[Entry] = []
    append = entries.append
    make = tuple.__new__  # Entry(...) without its Python-level __new__
    arts: list[Art] = []  # the duplicate rules' view, read in the same pass
    add_art = arts.append
    fields = _RANKED_FIELDS
    for index, (provider, c) in enumerate(kept):
        lang, width, height, quality, metadata, votes, url, file_size, phash = fields(c)
        levels = (
            neutral
            if lang is None or lang in neutral_languages
            else exact
            if lang == target
            else other
        )
        width = width or 0
        height = height or 0
        hd = (
            width >= hd_edge
            or height >= hd_edge
            or quality in hd_qualities
            or (bool(metadata) and hint(metadata))
        )
        append(
            make(
                Entry,
                (
                    index,
                    levels[hd],
                    votes or 0,
                    width * height,
                    priority.get(provider, last),
                    url,
                    provider,
                ),
            )
        )
        add_art((provider, url, width, height, file_size, phash))
    entries = _settle_duplicates(entries, kept, arts, skipped, threshold)
    return AssetTypeSelection(
        asset_type, entries, kept, skipped, resolved.providers, language, textless, locked
    )


def _may_repeat(arts: list[Art]) -> bool:
    """Whether two candidates could match a duplicate rule exactly (a quick test by one
    set; the keys' shapes keep the rules apart, as in ``duplicate_clusters``)."""
    keys: list[object] = [a[:2] for a in arts]
    keys += [a[2:5] for a in arts if a[4] is not None and a[2] and a[3]]
    keys += [a[5] for a in arts if a[5]]
    return len(set(keys)) < len(keys)


def _settle_duplicates(
    entries: list[Entry],
    kept: list[tuple[str, AssetCandidate]],
    arts: list[Art],
    skipped: list[Skipped],
    threshold: int,
) -> list[Entry]:
    """Keep the best of each cluster of duplicate candidates (by the same rules, so
    independent of input order); the others are skipped, naming the rule."""
    if not threshold and not _may_repeat(arts):
        return entries
    dropped = [False] * len(kept)
    add = skipped.append
    for cluster in duplicate_clusters(arts, threshold):
        keeper = choose([entries[i] for i in cluster]).index
        art = arts[keeper]
        prefix = f"duplicate of {art[0]} {art[1]} ("
        reasons: dict[str, str] = {}  # rule -> reason: one string per rule and cluster
        for i in cluster:
            if i == keeper:
                continue
            rule = same_rule(art, arts[i], threshold) or "same duplicate group"
            reason = reasons.get(rule)
            if reason is None:
                reason = reasons[rule] = f"{prefix}{rule})"
            provider, c = kept[i]
            add(Skipped(c, provider, reason))
            dropped[i] = True
    return [e for e in entries if not dropped[e.index]]
