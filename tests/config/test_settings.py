"""Settings at the edge: read once when ``Curata`` opens, in a documented order, and
nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import curata
from curata import Curata
from curata.autoselect.providers.http import provider_config
from curata.config import Settings
from curata.errors import ProviderError

PACKAGE = Path(curata.__file__).parent
#: Reads of the environment below the facade that are not configuration.
NOT_CONFIGURATION = {
    # the reader processes get the parent's environment, with curata on PYTHONPATH
    "ingest/workers.py",
    # a fault-injection hook of the crash tests (tests/hostile/test_exports.py)
    "selections/export/staging.py",
}
#: Where settings may be made: the facade, and the transports above it.
EDGE = ("interface.py", "cli/", "config.py")


def reads_of_the_environment(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
            if name in ("os.environ", "os.environb", "os.getenv", "Path.home"):
                found.append(name)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [f"from os import {a.name}" for a in node.names if "env" in a.name]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [f"import {n}" for n in names if n in ("tomllib", "dotenv", "configparser")]
    return found


def test_nothing_below_the_facade_reads_the_environment_or_a_config_file() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(), filename=relative)
        allowed = relative == "config.py" or relative in NOT_CONFIGURATION
        if not allowed and (reads := reads_of_the_environment(tree)):
            offenders[relative] = reads
        loads = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == "load" and _named(n.value, "Settings")
        ]
        if loads and not relative.startswith(EDGE):
            offenders[relative] = ["Settings.load"]
    assert offenders == {}


def _named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def test_the_check_sees_what_it_looks_for() -> None:
    source = "import os, tomllib\nfrom pathlib import Path\nos.environ['X']\nos.getenv('Y')\n"
    assert (
        reads_of_the_environment(ast.parse(source + "Path.home()\n"))
        == [
            "import os",
            "import tomllib",
            "os.environ",
            "os.getenv",
            "Path.home",
        ][1:]
    )


def test_home_and_database_argument_then_environment_then_default(tmp_path: Path) -> None:
    env = {"CURATA_HOME": str(tmp_path / "env-home"), "CURATA_DATABASE": str(tmp_path / "e.db")}
    given_home = Settings.load(home=tmp_path / "arg-home", environ=env)
    assert given_home.home == tmp_path / "arg-home"
    assert given_home.cache_dir == tmp_path / "arg-home" / "cache"
    assert given_home.export_root == tmp_path / "arg-home" / "exports"
    assert Settings.load(environ=env).home == tmp_path / "env-home"
    assert Settings.load(environ={}).home == Path.home() / ".local" / "share" / "curata"
    assert Settings.load(database=tmp_path / "a.db", environ=env).database.endswith("/a.db")
    assert Settings.load(environ=env).database == f"sqlite:///{tmp_path / 'e.db'}"
    home_only = {"CURATA_HOME": str(tmp_path / "h")}
    assert Settings.load(environ=home_only).database == f"sqlite:///{tmp_path / 'h' / 'catalog.db'}"
    assert Settings.load(cache_dir=tmp_path / "c", environ=env).cache_dir == tmp_path / "c"


@given(argument=st.booleans(), environment=st.booleans(), file=st.booleans())
def test_provider_settings_argument_then_environment_then_file_then_default(
    tmp_path_factory: pytest.TempPathFactory, argument: bool, environment: bool, file: bool
) -> None:
    home = tmp_path_factory.mktemp("home")
    if file:
        (home / "config.toml").write_text(
            '[providers.tmdb]\napi_key = "file"\nbase_url = "http://file/3"\n'
        )
    env = {"CURATA_HOME": str(home), "UNRELATED": "x"}
    if environment:
        env |= {"TMDB_API_KEY": "env", "CURATA_TMDB_URL": "http://env/3"}
    given_args = {"tmdb": {"api_key": "arg", "base_url": "http://arg/3"}} if argument else None
    config = provider_config("tmdb", Settings.load(providers=given_args, environ=env))
    source = next(
        (s for s, on in (("arg", argument), ("env", environment), ("file", file)) if on), None
    )
    assert config.api_key == source
    assert config.base_url == (f"http://{source}/3" if source else "https://api.themoviedb.org/3")
    settings = Settings.load(providers=given_args, environ=env)
    assert "UNRELATED" not in settings.environ
    assert "api_key" not in repr(settings) and "TMDB" not in repr(settings)  # no keys in logs


def test_settings_are_read_once_when_curata_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TMDB_API_KEY", "at-open")
    with Curata(database=tmp_path / "c.db") as cur:
        monkeypatch.setenv("TMDB_API_KEY", "later")
        monkeypatch.setenv("CURATA_HOME", str(tmp_path / "elsewhere"))
        assert provider_config("tmdb", cur.settings).api_key == "at-open"
        assert cur.catalog.cache_dir == tmp_path / "home" / "cache"
        assert (
            cur.confined(cur.confinement or curata.roots.Confinement.of()).settings is cur.settings
        )


def test_given_settings_replace_the_environment(tmp_path: Path) -> None:
    settings = Settings.load(home=tmp_path / "home", environ={})
    with Curata(database=tmp_path / "c.db", settings=settings) as cur:
        assert cur.settings.home == tmp_path / "home"
        assert cur.settings.database == f"sqlite:///{tmp_path / 'c.db'}"
        assert cur.catalog.cache_dir == tmp_path / "home" / "cache"


def test_a_broken_config_file_fails_when_providers_are_needed_not_at_open(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text("[providers\n")
    settings = Settings.load(home=tmp_path, environ={})
    with Curata(database=tmp_path / "c.db", settings=settings) as cur:
        assert cur.stats().success
        with pytest.raises(ProviderError, match="cannot read") as err:
            provider_config("tmdb", cur.settings)
    assert err.value.field == "config.toml"
