"""Short, readable identifiers derived from names (projects, selections)."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


def slugify(name: str, max_length: int = 48) -> str:
    """``"Hero Images Q4 2024"`` -> ``"hero-images-q4-2024"``; never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_name.lower()).strip("-")[:max_length].strip("-")
    return slug or "untitled"
