"""Turning the asset references of a request (hashes, prefixes, paths) into asset ids."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from curata.catalog import assets as asset_store
from curata.catalog import selections as store
from curata.errors import Conflict, InvalidRequest, NotFound

_FULL_HASH = re.compile(r"[0-9a-f]{64}")

FieldName = Callable[[int], str]


def resolve_refs(conn: Connection, refs: Sequence[str], field: FieldName) -> list[int]:
    """One asset id per reference, in order; the first unknown or ambiguous reference
    raises ``NotFound``/``InvalidRequest`` naming its field (``field(index)``).
    Full hashes are looked up in batches, the rest one by one."""
    keys = [r.strip().lower() for r in refs]
    known = store.ids_by_hash(conn, [k for k in keys if _FULL_HASH.fullmatch(k)])
    out: list[int] = []
    for index, (ref, key) in enumerate(zip(refs, keys, strict=True)):
        found = known.get(key)
        if found is None:
            try:
                found = asset_store.resolve(conn, ref)
            except (NotFound, InvalidRequest) as exc:
                raise type(exc)(exc.message, field=field(index)) from None
        out.append(found)
    return out


def reject_repeats(asset_ids: Sequence[int], field: FieldName) -> None:
    """Two references to one asset in a request are an ``InvalidRequest``."""
    first: dict[int, int] = {}
    for index, asset_id in enumerate(asset_ids):
        if asset_id in first:
            raise InvalidRequest(
                f"names the same asset as {field(first[asset_id])}", field=field(index)
            )
        first[asset_id] = index


def require_members(
    conn: Connection, selection_id: str, asset_ids: Sequence[int], field: FieldName
) -> None:
    """Every asset must be an item of the selection (else ``NotFound`` naming it)."""
    present = store.present_asset_ids(conn, selection_id, asset_ids)
    for index, asset_id in enumerate(asset_ids):
        if asset_id not in present:
            digest = store.hashes_by_id(conn, [asset_id])[asset_id]
            raise NotFound(f"asset {digest} is not in the selection", field=field(index))


def reject_members(
    conn: Connection, selection_id: str, asset_ids: Sequence[int], field: FieldName
) -> None:
    """``Conflict`` naming the first asset that already is an item of the selection."""
    present = store.present_asset_ids(conn, selection_id, asset_ids)
    if present:
        hashes = store.hashes_by_id(conn, sorted(present))
        index = next(i for i, a in enumerate(asset_ids) if a in present)
        raise Conflict(
            f"{len(present)} asset(s) already in the selection: "
            + ", ".join(hashes[a][:12] for a in list(present)[:5]),
            field=field(index),
            details={"existing": sorted(hashes.values())},
        )


def matching_location(given: str, locations: Sequence[str]) -> str | None:
    """The cataloged location ``given`` names (the same file once ``~``, ``..`` and
    symbolic links are resolved), or None."""
    wanted = os.path.realpath(os.path.expanduser(given))
    for location in locations:
        if location == given or os.path.realpath(location) == wanted:
            return location
    return None
