"""What a newcomer meets first: a missing catalog, --strict on rescans, --json errors,
messages with brackets, tags that look like hashes, 80-column tables, --version."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from tests.conftest import REPO
from typer.testing import CliRunner

from curata.cli.main import app
from curata.cli.render import human_size, shorten_middle
from curata.cli.scan import _render
from curata.models import ScanSummary

runner = CliRunner()
SAMPLE = REPO / "examples" / "sample-library"


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def curata(*args: str, cwd: Path = REPO, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "curata", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)  # fmt: skip


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "catalog.db"
    code, _out, err = invoke(db, "scan", str(SAMPLE), "--json")
    assert code == 0, err
    return db


@pytest.mark.parametrize("command", [["stats"], ["search"], ["errors"], ["info", "abcdef"],
                                     ["selection", "list"], ["project", "list"]])  # fmt: skip
def test_a_missing_catalog_is_refused_and_not_created(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "typo" / "catalog.db"
    code, out, err = invoke(db, *command)
    assert code == 3
    assert f"no catalog at {db}; run `curata scan` to create one" in err
    assert not db.parent.exists()
    code, out, _err = invoke(db, *command, "--json")
    assert code == 3
    assert json.loads(out)["error"] == {
        "code": "not_found",
        "field": "database",
        "message": f"no catalog at {db}; run `curata scan` to create one",
    }


def test_scan_and_init_create_the_catalog(tmp_path: Path) -> None:
    created = tmp_path / "new" / "catalog.db"
    code, out, _err = invoke(created, "init", "--json")
    assert code == 0 and json.loads(out) == {"database": str(created)}
    assert invoke(created, "stats", "--json")[0] == 0
    scanned = tmp_path / "other" / "catalog.db"
    assert invoke(scanned, "scan", str(SAMPLE / "formats"), "--json")[0] == 0
    assert json.loads(invoke(scanned, "stats", "--json")[1])["assets"] == 4


def test_strict_fails_on_the_rescan_too(tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    broken = str(SAMPLE / "broken")
    assert invoke(db, "scan", broken, "--strict")[0] == 1
    code, out, _err = invoke(db, "scan", broken, "--strict", "--json")
    summary = json.loads(out)
    assert (summary["failed"], summary["unchanged"], summary["still_failing"]) == (0, 2, 2)
    assert code == 1
    assert "2 unchanged file(s) still fail as before" in invoke(db, "scan", broken)[1]
    assert invoke(db, "scan", str(SAMPLE / "formats"), "--strict")[0] == 0


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [(["info", "deadbeef00"], 3, None), (["rate", "deadbeef00", "9"], 2, "rating"),
     (["tag", "add", "x"], 2, "assets"), (["search", "--limit", "5000"], 2, "limit"),
     (["selection", "create", "x", "-p", "nope", "--criteria", "bad"], 2, "--criteria")],
)  # fmt: skip
def test_json_errors_are_json_on_stdout_with_the_same_exit_code(
    sample_db: Path, args: list[str], code: int, field: str | None
) -> None:
    plain = invoke(sample_db, *args)
    as_json = invoke(sample_db, *args, "--json")
    assert plain[0] == as_json[0] == code
    error = json.loads(as_json[1])["error"]
    assert set(error) == {"code", "field", "message"} and error["message"]
    assert error["field"] == field or (field is None and error["code"] == "not_found")
    assert plain[2].startswith("error:") and as_json[2] == ""


def test_user_text_prints_as_written(tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    invoke(db, "init")
    assert invoke(db, "project", "create", "Shots", "--id", "shots")[0] == 0
    code, out, err = invoke(db, "selection", "create", "[providers.tmdb] [bold]x[/bold]",
                            "-p", "shots", "--criteria", "mood=[red]dark")  # fmt: skip
    assert code == 0, err
    assert "[providers.tmdb] [bold]x[/bold]" in out and "mood: [red]dark" in out
    code, _out, err = invoke(db, "info", "[providers.tmdb]")
    assert code == 3 and "[providers.tmdb]" in err


def test_tags_that_look_like_hash_prefixes(sample_db: Path) -> None:
    path = str(SAMPLE / "formats" / "giphy.gif")
    digest = json.loads(invoke(sample_db, "info", path, "--json")[1])["content_hash"]
    code, out, err = invoke(sample_db, "tag", "add", digest[:8], "facade", "--json")
    assert code == 0, err
    code, out, err = invoke(sample_db, "tag", "add", digest[:8], "--tag", "decade",
                            "--tag", "cafe42")  # fmt: skip
    assert code == 0, err
    assert json.loads(invoke(sample_db, "info", digest, "--json")[1])["tags"] == [
        "cafe42", "decade", "facade"
    ]  # fmt: skip
    code, out, err = invoke(sample_db, "tag", "remove", digest, "--tag", "facade", "--json")
    assert code == 0 and json.loads(out)["removed"] == 1


def test_search_fits_80_columns_one_line_per_result(sample_db: Path) -> None:
    proc = curata("--database", str(sample_db), "search", "--sort", "filename", "--asc")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    names = sorted(p.name for p in SAMPLE.rglob("*") if p.is_file() and p.parent.name != "broken")
    rows = lines[1:-1]
    assert len(rows) == len(names)  # one line per result
    for name, row in zip(names, rows, strict=True):
        assert name in row  # the whole file name, never cut
    assert re.search(r"\d+\.\d kB", proc.stdout) and "0.0 MB" not in proc.stdout


def test_shorten_middle_keeps_the_file_name() -> None:
    path = "/home/me/renders/2024/october/portraits/final/ukbench00120_rotation.jpg"
    for width in range(12, len(path) + 5):
        short = shorten_middle(path, width)
        assert len(short) <= width
        if width >= len("ukbench00120_rotation.jpg") + 3:
            assert short.endswith("/ukbench00120_rotation.jpg")
            assert short.startswith("/")
    assert shorten_middle(path, len(path)) == path


def test_human_sizes() -> None:
    assert [human_size(n) for n in (0, 999, 6_500, 2_800_000, 3_100_000_000)] == [
        "0 bytes", "999 bytes", "6.5 kB", "2.8 MB", "3.1 GB"
    ]  # fmt: skip


def test_an_interrupted_scan_says_what_was_cataloged(capsys: pytest.CaptureFixture[str]) -> None:
    _render(ScanSummary(files_seen=400, new=116, seconds=7.97, interrupted=True))
    out = " ".join(capsys.readouterr().out.split())
    assert "116 of 400 files are cataloged (7.97s); run the same scan again to continue" in out
    assert "files/s" not in out


def test_version_matches_the_package() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    proc = curata("--version")
    assert proc.returncode == 0 and proc.stdout == f"curata {version}\n"


def test_help_imports_no_pydantic_and_no_catalog() -> None:
    """``curata --help`` lists every command without importing what the commands need."""
    code = (
        "import sys\nfrom curata.cli.main import main\nsys.argv = ['curata', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'sqlalchemy', 'curata.interface', 'PIL')"
        " if m in sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})  # fmt: skip
    assert proc.stderr.strip() == "[]"
    for name in ("scan", "search", "selection", "artwork", "demo", "mcp"):
        assert name in proc.stdout


def test_the_help_list_is_each_commands_own_help() -> None:
    import typer

    from curata.cli.app import COMMANDS
    from curata.cli.main import load_all

    commands = typer.main.get_command(load_all()).commands  # type: ignore[attr-defined]
    assert sorted(commands) == sorted(COMMANDS)
    for name, command in commands.items():
        assert (command.help or "").strip().splitlines()[0] == COMMANDS[name][1], name


def test_demo_shows_the_product(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    export = tmp_path / "export"
    proc = curata("--database", str(db), "demo", str(SAMPLE), "--export-to", str(export))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for title in ("1. catalog", "2. search with facets", "3. near-duplicates",
                  "4. selection, similar assets, export", "5. auto-selection", "next"):  # fmt: skip
        assert title in out
    assert "ukbench00120_gray.jpg" in out  # the near-duplicate group of the photos
    assert re.search(r"(\d+) exported file\(s\) re-hashed: every SHA-256 matches", out)
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest
    exported = [p for p in export.rglob("*.jpg") if "thumb" not in str(p)]
    assert len(exported) >= 2
    assert "tmdb       1" in out  # the worked example's winner, tier 1
    flat = "".join("".join(line.strip("│ ").split()) for line in out.splitlines())
    assert f"exportCURATA_DATABASE={db}" in flat  # the next commands name the demo catalog
    assert max(len(line) for line in out.splitlines()) <= 80
