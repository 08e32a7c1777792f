"""The one grammar for numbers written as text (tag values, costs).

A number is ASCII digits with an optional sign, an optional decimal point and an
optional exponent: ``12``, ``-3.5``, ``+.5``, ``1e3``, ``2.5E-2``. Nothing else: no
digit separators (``1_000``), no other scripts' digits (``٣``), no ``inf``/``nan``, no
surrounding spaces. Python's ``float`` accepts all of those; a reader would not.
"""

from __future__ import annotations

import math
import re

NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER)


def parse_number(text: str) -> float | None:
    """The value of ``text`` when all of it is a number of the grammar and finite."""
    if _NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None
