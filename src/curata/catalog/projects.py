"""Projects: named scopes for assets, selections and saved searches."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from curata.catalog.schema import projects
from curata.slug import slugify


def ensure_project(conn: Connection, name_or_id: str) -> str:
    """The id of the project with this id or name, creating it (id = slug of the name)."""
    found = conn.execute(
        select(projects.c.id).where((projects.c.id == name_or_id) | (projects.c.name == name_or_id))
    ).scalar()
    if found is not None:
        return found
    project_id = slugify(name_or_id)
    if conn.execute(select(projects.c.id).where(projects.c.id == project_id)).scalar() is None:
        now = datetime.now(UTC)
        conn.execute(
            insert(projects).values(id=project_id, name=name_or_id, created_at=now, updated_at=now)
        )
    return project_id
