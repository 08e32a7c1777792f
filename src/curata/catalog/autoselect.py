"""Auto-selection settings: the strategy (table ``settings``) and custom provider orders
(table ``provider_priorities``). Functions take a connection; the service composes them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from curata.catalog.schema import provider_priorities, settings

STRATEGY_KEY = "autoselect.strategy"


def get_setting(conn: Connection, key: str) -> Any:
    """The stored JSON value of ``key``, or None."""
    return conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar_one_or_none()


def put_setting(conn: Connection, key: str, value: Any) -> None:
    """Insert or replace ``key`` (inside the caller's write transaction)."""
    done = conn.execute(update(settings).where(settings.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(settings).values(key=key, value=value))


def get_strategy(conn: Connection) -> str | None:
    value = get_setting(conn, STRATEGY_KEY)
    return value if isinstance(value, str) else None


def set_strategy(conn: Connection, strategy: str) -> None:
    put_setting(conn, STRATEGY_KEY, strategy)


def priority_rows(conn: Connection) -> list[tuple[str, str, list[str], list[str]]]:
    """Every custom order: (media_type, asset_type, providers, disabled), sorted."""
    rows = conn.execute(
        select(
            provider_priorities.c.media_type,
            provider_priorities.c.asset_type,
            provider_priorities.c.providers,
            provider_priorities.c.disabled,
        ).order_by(provider_priorities.c.media_type, provider_priorities.c.asset_type)
    )
    return [(m, a, list(p or []), list(d or [])) for m, a, p, d in rows]


def put_priority(
    conn: Connection, media_type: str, asset_type: str, providers: list[str], disabled: list[str]
) -> None:
    key = (provider_priorities.c.media_type == media_type) & (
        provider_priorities.c.asset_type == asset_type
    )
    done = conn.execute(
        update(provider_priorities).where(key).values(providers=providers, disabled=disabled)
    )
    if done.rowcount == 0:
        conn.execute(
            insert(provider_priorities).values(
                media_type=media_type, asset_type=asset_type, providers=providers, disabled=disabled
            )
        )


def delete_priorities(
    conn: Connection, media_type: str | None = None, asset_type: str | None = None
) -> int:
    """Remove custom orders (all, one media type's, or one media and asset type's)."""
    stmt = delete(provider_priorities)
    if media_type is not None:
        stmt = stmt.where(provider_priorities.c.media_type == media_type)
    if asset_type is not None:
        stmt = stmt.where(provider_priorities.c.asset_type == asset_type)
    return conn.execute(stmt).rowcount or 0
