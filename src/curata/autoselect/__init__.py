"""Automatic best-asset selection: tiers, votes, provider priority, real provider data.

The pure core (``rules``, ``choose``, ``duplicates``, ``select``, ``priorities``) has no
I/O; ``providers`` turns real API responses and local files into candidates;
``service`` persists strategy and priorities through the catalog; ``fetch`` downloads
the winners under Kodi names.
"""

from curata.autoselect.priorities import BALANCED_PRIORITIES, ProviderPriorities
from curata.autoselect.scoring import pick_cluster_keeper, score_asset
from curata.autoselect.select import (
    AssetTypeSelection,
    Pick,
    SelectionOutcome,
    Skipped,
    select_best_assets,
)

__all__ = [
    "BALANCED_PRIORITIES",
    "AssetTypeSelection",
    "Pick",
    "ProviderPriorities",
    "SelectionOutcome",
    "Skipped",
    "pick_cluster_keeper",
    "score_asset",
    "select_best_assets",
]
