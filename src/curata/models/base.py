"""``Record``: the base of every model ``Curata`` returns, readable as attributes and,
like the spec's examples, as a dict.

One rule for every response: a model's keys are the keys of its JSON form
(``model_dump()``): its fields and computed fields, by name. So for any result ``r``:

- ``r["asset"]`` is ``r.asset`` (nested models are records too, so
  ``r["asset"]["file_path"]`` and ``result["similarity"]["recommendation_score"]`` work);
- ``"similarity" in r`` is True for a field, also when its value is None, and False for
  a name that is not a key;
- ``r.get("role")`` / ``r.get("nope", default)`` never raise; ``r["nope"]`` raises
  ``KeyError``; ``r.keys()`` lists the keys;
- values are the Python objects (enums, datetimes, models), not their JSON forms; use
  ``r.model_dump(mode="json")`` for plain JSON data.

Iterating a model still yields ``(name, value)`` pairs, as pydantic does; lists and
dicts of records are ordinary lists and dicts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Record(BaseModel):
    """A response model that also answers ``[]``, ``in``, ``.get`` and ``.keys``."""

    @classmethod
    def record_keys(cls) -> list[str]:
        return [*cls.model_fields, *cls.model_computed_fields]

    def keys(self) -> list[str]:
        return self.record_keys()

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str) or key not in self.record_keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.record_keys()

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self:
            return default
        return getattr(self, key)
