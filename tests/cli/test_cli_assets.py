"""The CLI over a real catalog, in-process through typer's runner and as a real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curata.cli.main import app

runner = CliRunner()


def run(db: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--database", str(db), *args])
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture
def scanned(db_path: Path, library: Path) -> Path:
    out = json.loads(run(db_path, "scan", str(library), "--json"))
    assert out["failed"] == 5
    return db_path


def test_scan_json_summary_and_rescan(scanned: Path, library: Path) -> None:
    again = json.loads(run(scanned, "scan", str(library), "--json"))
    assert again["unchanged"] == again["files_seen"] and again["new"] == 0


def test_scan_strict_fails_when_files_failed(db_path: Path, library: Path) -> None:
    run(db_path, "scan", str(library / "bad"), "--strict", code=1)


def test_scan_table_summary(db_path: Path, library: Path) -> None:
    out = run(db_path, "scan", str(library / "formats"))
    assert "scan complete" in out and "files/s" in out


def test_info_tag_rate_round_trip(scanned: Path, library: Path) -> None:
    photo = library / "formats" / "baboon.pgm"
    digest = json.loads(run(scanned, "info", str(photo), "--json"))["content_hash"]
    run(scanned, "tag", "add", digest[:10], "Portrait", "Style:CyberPunk")
    run(scanned, "rate", str(photo), "4")
    info = json.loads(run(scanned, "info", digest, "--json"))
    assert info["tags"] == ["portrait", "style:cyberpunk"]
    assert info["quality_rating"] == 4
    assert info["metadata"]["dimensions"] == {"width": 512, "height": 512}
    removed = json.loads(run(scanned, "tag", "remove", digest, "portrait", "--json"))
    assert removed["removed"] == 1
    text = run(scanned, "info", digest)
    assert "style:cyberpunk" in text and "512 x 512" in text


def test_rating_out_of_range_names_the_field_and_changes_nothing(
    scanned: Path, library: Path
) -> None:
    photo = str(library / "formats" / "baboon.pgm")
    result = runner.invoke(app, ["--database", str(scanned), "rate", photo, "9"])
    assert result.exit_code == 2
    assert "rating" in result.stderr
    assert json.loads(run(scanned, "info", photo, "--json"))["quality_rating"] is None


def test_unknown_asset_is_not_found_and_no_tag_is_written(scanned: Path, library: Path) -> None:
    photo = str(library / "formats" / "baboon.pgm")
    result = runner.invoke(
        app, ["--database", str(scanned), "tag", "add", photo, "/no/such.jpg", "x"]
    )
    assert result.exit_code == 3
    assert "/no/such.jpg" in result.stderr
    assert json.loads(run(scanned, "info", photo, "--json"))["tags"] == []


def test_stats_and_errors(scanned: Path) -> None:
    stats = json.loads(run(scanned, "stats", "--json"))
    assert stats["errors"] == 5
    assert {e["name"] for e in stats["by_format"]} >= {"jpeg", "png", "gif", "webp", "tiff", "pgm"}
    errors = json.loads(run(scanned, "errors", "--json"))
    assert len(errors) == 5 and all(e["reason"] for e in errors)
    assert "media types" in run(scanned, "stats")


def test_the_installed_command_runs(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "c.db"
    out = subprocess.run(
        [sys.executable, "-m", "curata", "--database", str(db), "scan",
         str(fixtures / "formats"), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout)["new"] == 6


def test_error_messages_keep_brackets(scanned: Path) -> None:
    """User text in an error is printed as written, not read as rich markup."""
    result = runner.invoke(app, ["--database", str(scanned), "info", "[red]nope[/red]"])
    assert result.exit_code == 3
    assert "[red]nope[/red]" in result.stderr
