"""Selection policies: the spec's rules (the default) and named sets of extras (pure).

| policy | min_resolution | fallback_languages | prefer_textless | prefer_original_language |
|---|---|---|---|---|
| ``spec`` (default) | none | none | off | off |
| ``kodi`` | :data:`~curata.autoselect.assettypes.DEFAULT_MIN_RESOLUTION` | ``["en"]`` | on | on |
| ``custom`` | stored (none unless set) | stored | stored | stored |

A call names a policy (or uses the stored one) and may override any extra; a call
whose overrides change something reports the policy as ``custom``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curata.autoselect.assettypes import DEFAULT_MIN_RESOLUTION
from curata.models.autoselect import PolicyName, PolicyOverrides, Resolution, SelectionPolicy

SPEC = SelectionPolicy()
KODI = SelectionPolicy(
    name=PolicyName.KODI,
    min_resolution={
        t: Resolution(width=w, height=h) for t, (w, h) in DEFAULT_MIN_RESOLUTION.items()
    },
    fallback_languages=["en"],
    prefer_textless=True,
    prefer_original_language=True,
)
PRESETS: Mapping[PolicyName, SelectionPolicy] = {PolicyName.SPEC: SPEC, PolicyName.KODI: KODI}
EXTRAS = tuple(PolicyOverrides.model_fields)
"""The names of the extras, as fields of every policy and of every override."""


def named(name: PolicyName | str, custom: SelectionPolicy | None = None) -> SelectionPolicy:
    """The preset of that name; ``custom`` is the stored custom policy (spec's extras if none)."""
    policy = PolicyName(name)
    if policy is PolicyName.CUSTOM:
        return (custom or SPEC).model_copy(update={"name": PolicyName.CUSTOM})
    return PRESETS[policy]


def with_overrides(policy: SelectionPolicy, overrides: PolicyOverrides) -> SelectionPolicy:
    """``policy`` with the extras ``overrides`` sets; ``custom`` when that changes any."""
    changes: dict[str, Any] = {
        name: getattr(overrides, name)
        for name in EXTRAS
        if getattr(overrides, name) is not None
        and getattr(overrides, name) != getattr(policy, name)
    }
    if not changes:
        return policy
    return policy.model_copy(update={**changes, "name": PolicyName.CUSTOM})
