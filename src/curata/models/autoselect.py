"""Auto-selection models: candidates from providers, results, strategy and priorities.

These are the edge of the auto-selection service: requests are validated here once,
then the pure core (:mod:`curata.autoselect`) works on frozen dataclasses. Models never
import services.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from curata.models.base import Record
from curata.models.common import SOLID, NonBlank, StrictModel
from curata.models.paths import FsPath


class ArtMediaType(StrEnum):
    """What the artwork belongs to; selects the balanced provider order."""

    MOVIE = "movie"
    TV = "tv"
    MUSIC = "music"


class AssetType(StrEnum):
    """Artwork types, named as Kodi names them (music types have their own names)."""

    POSTER = "poster"
    FANART = "fanart"
    BANNER = "banner"
    CLEARLOGO = "clearlogo"
    CLEARART = "clearart"
    LANDSCAPE = "landscape"
    THUMB = "thumb"
    DISCART = "discart"
    CHARACTERART = "characterart"
    KEYART = "keyart"
    ALBUMCOVER = "albumcover"
    ARTISTTHUMB = "artistthumb"


class Quality(StrEnum):
    """``quality`` of a candidate; case-insensitive, ``uhd`` is an alias of ``4k``."""

    SD = "sd"
    HD = "hd"
    UHD = "4k"


_QUALITY_ALIASES = {"uhd": "4k", "2160p": "4k", "1080p": "hd"}


def _normalize_quality(value: Any) -> Any:
    """Lowercase and trimmed like languages; ``uhd``/``2160p`` mean ``4k``, ``1080p`` ``hd``."""
    if isinstance(value, str):
        text = value.strip().lower()
        return _QUALITY_ALIASES.get(text, text) or None
    return value


MAX_EDGE = 1_000_000
"""Largest accepted width/height: keeps width x height and its comparisons in 64 bits."""
MAX_COUNT = 2**53
"""Largest accepted vote count or file size."""

_HEX64 = re.compile(r"^[0-9a-f]{16}$")
_LANGUAGE = re.compile(r"^[a-z0-9-]{0,16}$")


def _normalize_phash(value: Any) -> str | None:
    """A 64-bit perceptual hash as 16 lowercase hex digits (an int is accepted too)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a perceptual hash is 16 hex digits or a 64-bit integer")
    if isinstance(value, float) and value.is_integer():  # JSON's 631.0 is an integer
        value = int(value)
    if isinstance(value, int):
        if not 0 <= value < 1 << 64:
            raise ValueError("a perceptual hash integer must be in 0 .. 2**64-1")
        return f"{value:016x}"
    if isinstance(value, str):
        text = value.strip().lower()
        if _HEX64.match(text):
            return text
    raise ValueError("a perceptual hash is 16 hex digits or a 64-bit integer")


def _normalize_language(value: Any) -> str | None:
    """Lowercase, trimmed; ``None``/empty stay language-neutral as the spec says."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("a language is a string such as 'en', 'de' or '' (neutral)")
    text = value.strip().lower()
    if not _LANGUAGE.match(text):
        raise ValueError(f"not a language code: {value!r}")
    return text


#: A language code as the normalizers read it (trimmed, any case; empty: neutral).
Language = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9-]{0,16}$"})]
#: A 64-bit perceptual hash: 16 hex digits or the integer.
PerceptualHash = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9A-Fa-f]{16}$"},
                {"type": "integer", "minimum": 0, "maximum": (1 << 64) - 1},
            ]
        }
    ),
]


class AssetCandidate(StrictModel):
    """One piece of artwork a provider offers (or a local file).

    Missing data follows the spec's table: no dimensions means 0x0, no votes (or 0)
    means no votes, no language means language-neutral. Enum fields are stored as
    their plain string values (cheap to hash in the selection core).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True, frozen=True)

    provider: str | None = Field(
        None, description="Provider name; filled from the key of provider_results."
    )
    url: FsPath = Field(..., description="Download URL, or a local file path.")
    asset_type: AssetType
    width: int | None = Field(None, ge=0, le=MAX_EDGE)
    height: int | None = Field(None, ge=0, le=MAX_EDGE)
    aspect_ratio: float | None = Field(None, gt=0, le=MAX_EDGE)
    quality: Quality | None = None
    file_size: int | None = Field(None, ge=0, le=MAX_COUNT)
    language: Language | None = None
    votes: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="Votes or likes; 0 counts as no votes."
    )
    vote_average: float | None = Field(None, ge=0, le=MAX_COUNT)
    perceptual_hash: PerceptualHash | None = Field(None, description="64-bit pHash, 16 hex digits.")
    nominal_size: bool = Field(
        False, description="width/height are the provider's fixed size for the type."
    )
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str | None:
        return _normalize_language(value)

    @field_validator("quality", mode="before")
    @classmethod
    def _quality(cls, value: Any) -> Any:
        return _normalize_quality(value)

    @field_validator("perceptual_hash", mode="before")
    @classmethod
    def _phash(cls, value: Any) -> str | None:
        return _normalize_phash(value)


class ExistingAsset(StrictModel):
    """Artwork the user already has, for duplicate detection (any field may be absent)."""

    provider: str | None = None
    url: str | None = None
    asset_type: AssetType | None = None
    width: int | None = Field(None, ge=0, le=MAX_EDGE)
    height: int | None = Field(None, ge=0, le=MAX_EDGE)
    file_size: int | None = Field(None, ge=0, le=MAX_COUNT)
    perceptual_hash: PerceptualHash | None = None

    @field_validator("perceptual_hash", mode="before")
    @classmethod
    def _phash(cls, value: Any) -> str | None:
        return _normalize_phash(value)


class Resolution(StrictModel):
    width: int = Field(0, ge=0, le=MAX_EDGE)
    height: int = Field(0, ge=0, le=MAX_EDGE)


class PolicyName(StrEnum):
    """Which rules decide: ``spec`` (exactly the specification), ``kodi`` (the extras
    media-center users expect), ``custom`` (your own choice of extras)."""

    SPEC = "spec"
    KODI = "kodi"
    CUSTOM = "custom"


def _languages(value: Any) -> Any:
    if isinstance(value, list):
        return [_normalize_language(v) or "" for v in value]
    return value


def _sizes(value: Any) -> Any:
    """``{"poster": [500, 700]}`` is accepted for ``{"poster": {"width": 500, "height": 700}}``."""
    if isinstance(value, dict):
        return {
            k: {"width": v[0], "height": v[1]} if isinstance(v, list | tuple) and len(v) == 2 else v
            for k, v in value.items()
        }
    return value


class SelectionPolicy(StrictModel):
    """The extras on top of the spec's rules. Every extra off is the spec itself."""

    name: PolicyName = PolicyName.SPEC
    min_resolution: dict[AssetType, Resolution] = Field(
        default_factory=dict,
        description="Art known to be smaller than this (either edge) is skipped.",
    )
    fallback_languages: list[Language] = Field(
        default_factory=list,
        description="Tried in order for an asset type where no candidate is in the "
        "preferred language or language-neutral: the first one present counts as preferred.",
    )
    prefer_textless: bool = Field(
        False, description="Fanart and landscape: textless art before art with text in a tier."
    )
    prefer_original_language: bool = Field(
        False, description="The item's original_language is the first fallback language."
    )

    @field_validator("fallback_languages", mode="before")
    @classmethod
    def _fallbacks(cls, value: Any) -> Any:
        return _languages(value)

    @field_validator("min_resolution", mode="before")
    @classmethod
    def _minimums(cls, value: Any) -> Any:
        return _sizes(value)


class PolicyOverrides(StrictModel):
    """Per-call changes to a policy's extras (None = as the policy says)."""

    min_resolution: dict[AssetType, Resolution] | None = Field(
        None, description="Minimum size per asset type; {} for none."
    )
    fallback_languages: list[Language] | None = Field(None, description="[] for none.")
    prefer_textless: bool | None = None
    prefer_original_language: bool | None = None

    @field_validator("fallback_languages", mode="before")
    @classmethod
    def _fallbacks(cls, value: Any) -> Any:
        return _languages(value)

    @field_validator("min_resolution", mode="before")
    @classmethod
    def _minimums(cls, value: Any) -> Any:
        return _sizes(value)


class PolicyRequest(PolicyOverrides):
    """Store the policy: ``spec``, ``kodi``, or ``custom`` with its extras."""

    name: PolicyName


class SelectRequest(PolicyOverrides):
    """``select_best_assets``: candidates keyed by provider name, and the rules to apply.

    ``policy`` None uses the stored policy (``spec`` unless set); any override given
    makes the policy reported ``custom``."""

    provider_results: dict[str, list[AssetCandidate]] = Field(
        json_schema_extra={"propertyNames": {"pattern": SOLID}}
    )
    media_type: ArtMediaType
    preferred_language: Language = "en"
    original_language: Language | None = Field(
        None, description="The item's original language (used by prefer_original_language)."
    )
    existing_assets: list[ExistingAsset] = Field(default_factory=list)
    asset_types: list[AssetType] | None = None
    policy: PolicyName | None = None
    locked_asset_types: list[AssetType] = Field(default_factory=list)
    hamming_threshold: int = Field(0, ge=0, le=64)

    @field_validator("preferred_language", mode="before")
    @classmethod
    def _preferred(cls, value: Any) -> str:
        return _normalize_language(value) or ""

    @field_validator("original_language", mode="before")
    @classmethod
    def _original(cls, value: Any) -> str | None:
        return _normalize_language(value) or None

    @field_validator("provider_results")
    @classmethod
    def _providers(cls, value: dict[str, list[AssetCandidate]]) -> dict[str, list[AssetCandidate]]:
        for name, items in value.items():
            if not name.strip():
                raise ValueError("a provider name cannot be empty")
            for index, item in enumerate(items):
                if item.provider is not None and item.provider != name:
                    raise ValueError(
                        f"{name}[{index}].provider is {item.provider!r} but it is listed "
                        f"under {name!r}"
                    )
        return value


class ScoreRequest(StrictModel):
    """``score_asset``: one candidate scored on its own (tier, display score, reason)."""

    asset: AssetCandidate
    asset_type: AssetType | None = None
    provider_name: str
    provider_order: list[str] = Field(default_factory=list)
    preferred_language: Language = "en"

    @field_validator("preferred_language", mode="before")
    @classmethod
    def _preferred(cls, value: Any) -> str:
        return _normalize_language(value) or ""


class AssetScore(Record):
    """A candidate's standing: the spec's tier and display score plus their parts."""

    tier: int
    score: float = Field(..., description="Spec display score, capped at 1.0.")
    reason: str
    language_score: float
    hd: bool
    resolution: int
    resolution_score: float
    aspect_ratio_score: float
    vote_score: float
    votes: int
    provider_priority: int


class DecidedBy(StrEnum):
    """The rule that put a ranked candidate ahead of the next one."""

    ONLY = "only candidate"
    LAST = "last"
    TIER = "tier"
    TEXTLESS = "textless"
    VOTES = "votes"
    RESOLUTION = "resolution"
    PROVIDER = "provider priority"
    KEY = "stable key"


class RankedAsset(Record):
    """A candidate in a ranked list. ``rank_score`` (0-1) strictly decreases down the list:
    ``(4 - tier + (n - position) / n) / 4`` with ``n`` candidates in the tier and
    ``position`` counted from 0 inside it, so 1.0 only for the winner of tier 1."""

    rank: int
    provider: str
    candidate: AssetCandidate
    tier: int
    score: float
    rank_score: float
    reason: str
    decided_by: DecidedBy = Field(
        ..., description="The rule that ranks it ahead of the next candidate."
    )


class SkippedAsset(Record):
    provider: str
    candidate: AssetCandidate
    reason: str


class AssetTypeResult(Record):
    asset_type: AssetType
    winner: RankedAsset | None = None
    runners_up: list[RankedAsset] = Field(default_factory=list)
    skipped: list[SkippedAsset] = Field(default_factory=list)
    locked: bool = False
    language: str = Field(
        "", description="Language that counted as preferred (a fallback if none matched)."
    )
    provider_order: list[str] = Field(default_factory=list)


class AutoSelectResult(Record):
    media_type: ArtMediaType
    preferred_language: str
    policy: SelectionPolicy = Field(
        default_factory=SelectionPolicy, description="The rules this result was chosen by."
    )
    results: dict[str, AssetTypeResult] = Field(default_factory=dict)

    def winners(self) -> dict[str, RankedAsset]:
        return {k: v.winner for k, v in self.results.items() if v.winner is not None}


class Strategy(StrEnum):
    BALANCED = "balanced"
    CUSTOM = "custom"


class StrategyInfo(Record):
    strategy: Strategy
    balanced: bool


class ProviderPriority(StrictModel):
    """The provider order for one media type and asset type (``*`` = every asset type)."""

    media_type: ArtMediaType
    asset_type: str = Field("*", json_schema_extra={"enum": ["*", *AssetType]})
    providers: list[NonBlank] = Field(
        ..., min_length=1, json_schema_extra={"uniqueItems": True}, description="Best first."
    )
    disabled: list[NonBlank] = Field(default_factory=list, json_schema_extra={"uniqueItems": True})

    @field_validator("asset_type")
    @classmethod
    def _asset_type(cls, value: str) -> str:
        if value != "*" and value not in AssetType.__members__.values():
            raise ValueError(f"unknown asset type {value!r} (use one of AssetType or '*')")
        return value

    @field_validator("providers", "disabled")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        names = [v.strip() for v in value]
        if any(not n for n in names):
            raise ValueError("a provider name cannot be empty")
        if len(set(names)) != len(names):
            raise ValueError("a provider is listed twice")
        return names

    @model_validator(mode="after")
    def _not_both(self) -> ProviderPriority:
        both = set(self.providers) & set(self.disabled)
        if both:
            raise ValueError(f"providers both ordered and disabled: {sorted(both)}")
        return self


class PriorityEntry(Record):
    """The effective order for one media type and asset type, and where it came from."""

    media_type: ArtMediaType
    asset_type: str
    providers: list[str]
    disabled: list[str] = Field(default_factory=list)
    source: str = Field(..., description="'balanced' or 'custom'.")


class PriorityTable(Record):
    strategy: Strategy
    entries: list[PriorityEntry] = Field(default_factory=list)


class PriorityResetRequest(StrictModel):
    media_type: ArtMediaType | None = None
    asset_type: str | None = None


class FetchRequest(PolicyOverrides):
    """``fetch_artwork``: pick the best art for one item and download it under Kodi names."""

    into: FsPath = Field(..., description="The item's folder.")
    media_type: ArtMediaType = ArtMediaType.MOVIE
    tmdb_id: int | None = Field(None, gt=0, le=MAX_COUNT)
    tvdb_id: int | None = Field(None, gt=0, le=MAX_COUNT)
    musicbrainz_id: str | None = None
    theaudiodb_id: int | None = Field(None, gt=0, le=MAX_COUNT)
    ids: dict[str, str] = Field(
        default_factory=dict,
        description="Other ids the item is known by, for any provider (imdb, "
        "musicbrainz_release_group, ...).",
        max_length=32,
    )
    providers: list[str] | None = Field(
        None, description="Ask only these providers (None: every one that can find the item)."
    )
    use_fanart: bool = Field(False, description="Also ask fanart.tv (it needs a key).")
    preferred_language: Language = "en"
    original_language: Language | None = None
    policy: PolicyName | None = Field(None, description="None: the stored policy.")
    asset_types: list[AssetType] | None = None
    replace: bool = Field(
        False, description="Replace art curata fetched before (never the user's own or locked)."
    )
    dry_run: bool = False

    @field_validator("preferred_language", mode="before")
    @classmethod
    def _preferred(cls, value: Any) -> str:
        return _normalize_language(value) or ""

    @field_validator("original_language", mode="before")
    @classmethod
    def _original(cls, value: Any) -> str | None:
        return _normalize_language(value) or None

    @model_validator(mode="after")
    def _some_source(self) -> FetchRequest:
        if not (
            self.tmdb_id or self.tvdb_id or self.musicbrainz_id or self.theaudiodb_id or self.ids
        ):
            raise ValueError(
                "name the item: tmdb_id, tvdb_id, musicbrainz_id, theaudiodb_id or ids"
            )
        return self


class FetchedArt(Record):
    asset_type: AssetType
    action: str = Field(
        ...,
        description="'downloaded', 'replaced', 'kept', 'locked', 'none', 'failed', or "
        "'would be downloaded' / 'would be replaced' in a dry run.",
    )
    path: FsPath | None = None
    provider: str | None = None
    url: str | None = None
    reason: str = ""


class FetchResult(Record):
    folder: FsPath
    items: list[FetchedArt] = Field(default_factory=list)
    selection: AutoSelectResult | None = None
    notes: list[str] = Field(default_factory=list, description="Providers that had nothing.")


class LockRequest(StrictModel):
    folder: FsPath
    asset_types: list[AssetType] = Field(..., min_length=1)
    locked: bool = True


class LockState(Record):
    folder: FsPath
    locked: list[AssetType] = Field(default_factory=list)
