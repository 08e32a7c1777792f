"""The auto-selection service: strategy, priorities and policy in the catalog, selection
with them.

The strategy (``balanced`` or ``custom``) is the ``autoselect.strategy`` entry of the
``settings`` table; custom provider orders are rows of ``provider_priorities`` keyed by
media type and asset type (``*`` for all of a media type's types). Setting a custom
order switches the strategy to ``custom``; under ``balanced`` the rows are kept but
not used. The policy (``spec`` unless set; see :mod:`curata.autoselect.policy`) is the
``autoselect.policy`` entry: ``{"name": "kodi", "custom": {...extras...}}``.
"""

from __future__ import annotations

from pydantic import ValidationError

from curata.autoselect import policy as policies
from curata.autoselect.assettypes import MEDIA_ASSET_TYPES
from curata.autoselect.priorities import ANY_TYPE, ProviderPriorities
from curata.autoselect.scoring import score_asset
from curata.autoselect.select import Pick, SelectionOutcome, select_best_assets
from curata.catalog import Catalog
from curata.catalog import autoselect as store
from curata.errors import InvalidRequest
from curata.models.autoselect import (
    ArtMediaType,
    AssetScore,
    AssetTypeResult,
    AutoSelectResult,
    PolicyName,
    PolicyOverrides,
    PolicyRequest,
    PriorityEntry,
    PriorityResetRequest,
    PriorityTable,
    ProviderPriority,
    RankedAsset,
    ScoreRequest,
    SelectionPolicy,
    SelectRequest,
    SkippedAsset,
    Strategy,
    StrategyInfo,
)

POLICY_KEY = "autoselect.policy"


class AutoSelectService:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # ---- strategy -----------------------------------------------------------------

    def strategy(self) -> Strategy:
        with self.catalog.read() as conn:
            value = store.get_strategy(conn)
        return _strategy(value)

    def get_strategy(self) -> StrategyInfo:
        strategy = self.strategy()
        return StrategyInfo(strategy=strategy, balanced=strategy is Strategy.BALANCED)

    def set_strategy(self, strategy: Strategy | str) -> StrategyInfo:
        try:
            value = Strategy(strategy)
        except ValueError:
            raise InvalidRequest(
                f"{strategy!r} is not 'balanced' or 'custom'", field="strategy"
            ) from None
        with self.catalog.write() as conn:
            store.set_strategy(conn, value.value)
        return StrategyInfo(strategy=value, balanced=value is Strategy.BALANCED)

    def is_balanced(self) -> bool:
        return self.strategy() is Strategy.BALANCED

    # ---- priorities ---------------------------------------------------------------

    def priorities(self) -> ProviderPriorities:
        with self.catalog.read() as conn:
            value = store.get_strategy(conn)
            rows = store.priority_rows(conn)
        return ProviderPriorities.from_rows(_strategy(value), rows)

    def priority_table(self, media_type: ArtMediaType | str | None = None) -> PriorityTable:
        """The effective order for every media type (or one) and each of its asset types."""
        priorities = self.priorities()
        medias = list(ArtMediaType) if media_type is None else [_media(media_type)]
        entries = []
        for media in medias:
            for asset_type in (ANY_TYPE, *MEDIA_ASSET_TYPES[media.value]):
                resolved = priorities.resolve(media, str(asset_type))
                entries.append(
                    PriorityEntry(
                        media_type=media,
                        asset_type=str(asset_type),
                        providers=list(resolved.providers),
                        disabled=sorted(resolved.disabled),
                        source=resolved.source,
                    )
                )
        return PriorityTable(strategy=priorities.strategy, entries=entries)

    def set_priority(self, request: ProviderPriority) -> PriorityTable:
        with self.catalog.write() as conn:
            store.put_priority(
                conn,
                request.media_type.value,
                request.asset_type,
                request.providers,
                request.disabled,
            )
            store.set_strategy(conn, Strategy.CUSTOM.value)
        return self.priority_table(request.media_type)

    def reset_priorities(self, request: PriorityResetRequest) -> PriorityTable:
        media = request.media_type.value if request.media_type else None
        with self.catalog.write() as conn:
            store.delete_priorities(conn, media, request.asset_type)
        return self.priority_table(request.media_type)

    # ---- policy -------------------------------------------------------------------

    def _stored_policy(self) -> tuple[PolicyName, SelectionPolicy | None]:
        with self.catalog.read() as conn:
            value = store.get_setting(conn, POLICY_KEY)
        if not isinstance(value, dict):
            return PolicyName.SPEC, None
        try:
            name = PolicyName(value.get("name", ""))  # missing: not a name, the default
            custom = value.get("custom")
            return name, SelectionPolicy.model_validate(custom) if custom else None
        except (ValueError, ValidationError):  # written by a newer curata: the default
            return PolicyName.SPEC, None

    def get_policy(self) -> SelectionPolicy:
        """The stored policy with its extras (``spec`` unless set)."""
        name, custom = self._stored_policy()
        return policies.named(name, custom)

    def set_policy(self, request: PolicyRequest) -> SelectionPolicy:
        """Store ``spec``, ``kodi`` or ``custom``; extras are given for ``custom`` only
        (they start from the stored custom extras, else the spec's)."""
        given = PolicyOverrides.model_validate(request.model_dump(include=set(policies.EXTRAS)))
        _, custom = self._stored_policy()
        if request.name is not PolicyName.CUSTOM:
            extra = next((n for n in policies.EXTRAS if getattr(given, n) is not None), None)
            if extra is not None:
                raise InvalidRequest(
                    f"{request.name.value} is a fixed policy; extras are set with 'custom'",
                    field=extra,
                )
        else:
            custom = policies.with_overrides(policies.named(PolicyName.CUSTOM, custom), given)
        value: dict[str, object] = {"name": request.name.value}
        if custom is not None:
            value["custom"] = custom.model_dump(mode="json", exclude={"name"})
        with self.catalog.write() as conn:
            store.put_setting(conn, POLICY_KEY, value)
        return self.get_policy()

    def effective_policy(
        self, name: PolicyName | None, overrides: PolicyOverrides
    ) -> SelectionPolicy:
        """The named (else stored) policy with a call's overrides applied."""
        stored, custom = self._stored_policy()
        base = policies.named(name or stored, custom)
        return policies.with_overrides(base, overrides)

    # ---- selection ----------------------------------------------------------------

    def select(self, request: SelectRequest) -> AutoSelectResult:
        outcome = select_best_assets(
            request.provider_results,
            request.media_type,
            request.preferred_language,
            request.existing_assets,
            request.asset_types,
            priorities=self.priorities(),
            policy=self.effective_policy(request.policy, request),
            original_language=request.original_language,
            locked_asset_types=request.locked_asset_types,
            hamming_threshold=request.hamming_threshold,
        )
        return to_result(outcome, request.media_type, request.preferred_language)

    def score(self, request: ScoreRequest) -> AssetScore:
        return score_asset(
            request.asset,
            request.asset_type,
            request.provider_name,
            request.provider_order,
            request.preferred_language,
        )


def _strategy(value: str | None) -> Strategy:
    """The stored strategy; balanced when none is stored (or an unknown one)."""
    if value is not None and value in Strategy.__members__.values():
        return Strategy(value)
    return Strategy.BALANCED


def _media(value: ArtMediaType | str) -> ArtMediaType:
    try:
        return ArtMediaType(value)
    except ValueError:
        raise InvalidRequest(
            f"{value!r} is not one of movie, tv, music", field="media_type"
        ) from None


def _ranked(pick: Pick) -> RankedAsset:
    candidate = pick.candidate
    if candidate.provider != pick.provider:
        candidate = candidate.model_copy(update={"provider": pick.provider})
    return RankedAsset(
        rank=pick.rank,
        provider=pick.provider,
        candidate=candidate,
        tier=pick.tier,
        score=pick.score,
        rank_score=pick.rank_score,
        reason=pick.reason,
        decided_by=pick.decided_by,
    )


def to_result(
    outcome: SelectionOutcome, media_type: ArtMediaType | str, preferred_language: str
) -> AutoSelectResult:
    """The core's outcome as response models (every ranked candidate materialized)."""
    results = {}
    for asset_type, selection in outcome.items():
        ranked = [_ranked(p) for p in selection.ranked]
        results[asset_type] = AssetTypeResult(
            asset_type=asset_type,
            winner=ranked[0] if ranked else None,
            runners_up=ranked[1:],
            skipped=[
                SkippedAsset(provider=s.provider, candidate=s.candidate, reason=s.reason)
                for s in selection.skipped
            ],
            locked=selection.locked,
            language=selection.language,
            provider_order=list(selection.provider_order),
        )
    return AutoSelectResult(
        media_type=ArtMediaType(media_type),
        preferred_language=preferred_language,
        policy=outcome.policy,
        results=results,
    )
