"""Who made a change, and when."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime


def default_actor() -> str:
    """The OS user running curata (``unknown`` when the system cannot say)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def actor_or_default(actor: str | None) -> str:
    text = (actor or "").strip()
    return text or default_actor()


def utcnow() -> datetime:
    return datetime.now(UTC)
