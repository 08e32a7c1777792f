"""Settings: everything curata takes from its surroundings, read once, at the edge.

:meth:`Settings.load` runs when a :class:`~curata.Curata` opens (the CLI and the
servers open one too); it is the only code that reads the environment or
``config.toml``. Below the facade nothing does: the services get the settings, or
the part they need, as arguments (the catalog its cache folder, artwork fetching its
provider settings). Each value comes from the first of: an argument, the
environment, ``$CURATA_HOME/config.toml``, the default.

- ``home``: the ``home=`` argument, ``$CURATA_HOME``, ``~/.local/share/curata``;
- ``database``: ``database=``, ``$CURATA_DATABASE``, ``<home>/catalog.db``;
- ``cache_dir`` (thumbnails, search snapshots): ``cache_dir=``, ``<home>/cache``;
- ``export_root`` (a server's exports without ``--export-root``): ``export_root=``,
  ``<home>/exports``;
- provider settings: ``providers={"tmdb": {"api_key": ...}}``, the environment
  (``$TMDB_API_KEY``, ``$CURATA_TMDB_URL``, ...), the ``[providers.<name>]`` tables of
  ``<home>/config.toml``, each provider's defaults.

Provider settings (API keys, pins, URLs, timeouts) are resolved per provider by
:func:`curata.autoselect.providers.http.provider_config` from :attr:`Settings.environ`
(the environment variables curata may use, copied when the settings were made) and
:attr:`Settings.providers`, so a change to the environment after ``Curata`` opened
changes nothing.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "config.toml"


def _wanted(name: str) -> bool:
    """The environment variables curata reads: its own and the providers' customary keys."""
    return name.startswith("CURATA_") or name.endswith(("_API_KEY", "_PIN"))


@dataclass(frozen=True)
class Settings:
    """Where the catalog, cache and exports live and how to reach the artwork providers
    (whose keys its ``repr`` leaves out)."""

    home: Path
    database: str
    cache_dir: Path
    export_root: Path
    config_file: Path
    #: The ``[providers.<name>]`` tables of ``config.toml``.
    providers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    #: Provider settings given as the ``providers=`` argument (they win over the others).
    provider_arguments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    #: The environment variables curata uses, as they were when the settings were made.
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Why ``config.toml`` could not be read (raised when provider settings are needed).
    config_error: str | None = None

    @classmethod
    def load(
        cls,
        *,
        database: str | os.PathLike[str] | None = None,
        home: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        export_root: str | os.PathLike[str] | None = None,
        providers: Mapping[str, Mapping[str, Any]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """The settings from the arguments, then ``environ`` (default: the process's
        environment), then ``config.toml`` in the home folder, then the defaults."""
        env = {k: v for k, v in (os.environ if environ is None else environ).items() if _wanted(k)}
        home_dir = _path(home or env.get("CURATA_HOME") or Path.home() / ".local/share/curata")
        config_file = home_dir / CONFIG_FILE
        tables, problem = _provider_tables(config_file)
        return cls(
            home=home_dir,
            database=resolve_database_url(database or env.get("CURATA_DATABASE"), home_dir),
            cache_dir=_path(cache_dir) if cache_dir else home_dir / "cache",
            export_root=_path(export_root) if export_root else home_dir / "exports",
            config_file=config_file,
            providers=tables,
            provider_arguments={k: dict(v) for k, v in (providers or {}).items()},
            environ=env,
            config_error=problem,
        )


def _path(value: str | os.PathLike[str]) -> Path:
    return Path(value).expanduser()


def _provider_tables(path: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The ``[providers.<name>]`` tables of ``path`` (none when it does not exist), or
    why it cannot be read."""
    if not path.is_file():
        return {}, None
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, f"cannot read {path}: {exc}"
    providers = data.get("providers", {})
    if not isinstance(providers, dict):
        return {}, None
    return {k: dict(v) for k, v in providers.items() if isinstance(v, dict)}, None


def resolve_database_url(database: str | os.PathLike[str] | None, home: Path) -> str:
    """An SQLAlchemy URL from an explicit URL or path, or ``<home>/catalog.db``.

    A plain filesystem path means an SQLite file at that path.
    """
    value = os.fspath(database) if database is not None else ""
    if not value:
        return f"sqlite:///{home / 'catalog.db'}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_file(url: str) -> Path | None:
    """The file of an ``sqlite:///PATH`` URL; None for an in-memory or server database."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :].partition("?")[0]
    return Path(path) if path and path != ":memory:" else None
