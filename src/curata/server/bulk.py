"""Bulk actions with one undo each: the web page's culling and multi-selection edits.

A bulk action is a few steps (rate, tag, untag, add to a selection) over up to
``MAX_ASSETS`` assets each. Before each step the service reads what the step will change
(the ratings, which assets lack or hold each tag, which assets the selection holds) and
keeps the inverse steps; ``undo`` applies them, newest first, through the same
:class:`curata.Curata` calls, once. A step that fails undoes the steps before it, so a
bulk action is applied whole or not at all. The undo log lives in the server's memory
(the newest :data:`MAX_UNDO` actions); a restarted server has none.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable

from curata.errors import CurataError, NotFound
from curata.interface import Curata
from curata.models import SelectionAction
from curata.server.models import BulkKind, BulkRequest, BulkResult, BulkStep

#: How many bulk actions stay undoable.
MAX_UNDO = 200


class BulkActions:
    """Applies bulk actions to ``curata`` and keeps the newest ones' inverses."""

    def __init__(self, curata: Curata) -> None:
        self.curata = curata
        self._lock = threading.Lock()
        self._undo: OrderedDict[str, tuple[str | None, list[BulkStep]]] = OrderedDict()

    def apply(self, request: BulkRequest) -> BulkResult:
        inverses: list[BulkStep] = []
        touched: list[str] = []
        try:
            for step in request.steps:
                hashes, inverse = self._step(step)
                inverses.extend(inverse)
                touched.extend(h for h in hashes if h not in touched)
        except CurataError:
            self._run(reversed(inverses))
            raise
        action_id = uuid.uuid4().hex
        with self._lock:
            self._undo[action_id] = (request.label, inverses)
            while len(self._undo) > MAX_UNDO:
                self._undo.popitem(last=False)
        return BulkResult(id=action_id, label=request.label, assets=touched)

    def undo(self, action_id: str) -> BulkResult:
        with self._lock:
            entry = self._undo.pop(action_id, None)
        if entry is None:
            raise NotFound(f"no bulk action {action_id!r} to undo (undone already, or too old)")
        label, inverses = entry
        touched = self._run(reversed(inverses))
        return BulkResult(id=action_id, label=label, assets=touched, undone=True)

    def _run(self, steps: Iterable[BulkStep]) -> list[str]:
        touched: list[str] = []
        for step in steps:
            hashes, _ = self._step(step)
            touched.extend(h for h in hashes if h not in touched)
        return touched

    def _step(self, step: BulkStep) -> tuple[list[str], list[BulkStep]]:
        """Apply ``step``; its asset hashes and the steps that put back what it changed."""
        cur = self.curata
        details = [cur.get_asset(ref).data for ref in step.assets]
        hashes = [d.content_hash for d in details if d is not None]
        if step.action is BulkKind.RATE:
            before: dict[int | None, list[str]] = {}
            for d in details:
                if d is not None:
                    before.setdefault(d.quality_rating, []).append(d.content_hash)
            cur.rate_assets({"assets": hashes, "rating": step.rating})
            return hashes, [
                BulkStep(action=BulkKind.RATE, assets=group, rating=rating)
                for rating, group in before.items()
            ]
        if step.action in (BulkKind.TAG, BulkKind.UNTAG):
            adding = step.action is BulkKind.TAG
            held = {d.content_hash: {t.casefold() for t in d.tags} for d in details if d}
            inverse = []
            for tag in step.tags or []:
                changed = [h for h in hashes if (tag.casefold() in held[h]) != adding]
                if changed:
                    undo_kind = BulkKind.UNTAG if adding else BulkKind.TAG
                    inverse.append(BulkStep(action=undo_kind, assets=changed, tags=[tag]))
            (cur.tag_assets if adding else cur.untag_assets)({"assets": hashes, "tags": step.tags})
            return hashes, inverse
        return self._selection_step(step, hashes)

    def _selection_step(
        self, step: BulkStep, hashes: list[str]
    ) -> tuple[list[str], list[BulkStep]]:
        assert step.project_id and step.selection_id
        cur = self.curata
        selection = cur.get_selection(step.project_id, step.selection_id).data
        assert selection is not None
        held = {item.asset_hash: item for item in selection.items}
        ref = {"project_id": step.project_id, "selection_id": step.selection_id}
        if step.action is BulkKind.ADD_TO_SELECTION:
            new = [h for h in hashes if h not in held]
            if new:
                fields = {"role": step.role, "selection_reason": step.selection_reason}
                items = [{"asset_hash": h, **fields} for h in new]
                cur.update_selection({**ref, "action": SelectionAction.ADD_ITEMS, "items": items})
            undo = BulkKind.REMOVE_FROM_SELECTION
            return hashes, [BulkStep(action=undo, assets=new, **ref)] if new else []
        gone = [held[h] for h in hashes if h in held]
        if gone:
            cur.update_selection(
                {
                    **ref,
                    "action": SelectionAction.REMOVE_ITEMS,
                    "asset_hashes": [i.asset_hash for i in gone],
                }
            )
        # Put back: each removed item with its role and reason (at the end of the order).
        return hashes, [
            BulkStep(
                action=BulkKind.ADD_TO_SELECTION,
                assets=[i.asset_hash],
                role=i.role,
                selection_reason=i.selection_reason,
                **ref,
            )
            for i in gone
        ]
