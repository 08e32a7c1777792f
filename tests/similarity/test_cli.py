"""``curata similar`` and ``curata dupes`` on a real catalog, through typer's runner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curata.cli.main import app
from tests.similarity.conftest import COPIES, MIRRORED, ORIGINAL

runner = CliRunner()


def run(db: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--database", str(db), *args])
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture
def db(db_path: Path, photos: Path) -> Path:
    run(db_path, "scan", str(photos), "--json")
    return db_path


def test_similar_json_and_table(db: Path, photos: Path) -> None:
    out = json.loads(run(db, "similar", str(photos / ORIGINAL), "--json"))
    assert sorted(Path(m["asset"]["file_path"]).name for m in out["results"]) == sorted(
        COPIES.values()
    )
    assert out["threshold"] == 10 and out["target"]["kind"] == "asset"
    turned = json.loads(
        run(db, "similar", str(photos / ORIGINAL), "--invariant", "-n", "1", "-t", "0", "--json")
    )
    assert turned["total"] == 3 and len(turned["results"]) == 1
    table = run(db, "similar", str(photos / MIRRORED), "--invariant")
    assert "mirror" in table and "3 asset(s) within 10 bits" in table


def test_similar_bad_threshold_exits_with_invalid_request(db: Path, photos: Path) -> None:
    result = runner.invoke(
        app, ["--database", str(db), "similar", str(photos / ORIGINAL), "--threshold", "99"]
    )
    assert result.exit_code == 2 and "threshold" in result.output


def test_dupes_report_csv_and_json(db: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "dupes.csv"
    table = run(db, "dupes", "--report", str(csv_path))
    assert "1 group(s), 3 member(s)" in table and "keep" in table
    with csv_path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["keeper"] for r in rows] == ["True", "False", "False"]
    assert {Path(r["path"]).name for r in rows} == {ORIGINAL, *COPIES.values()}
    json_path = tmp_path / "dupes.json"
    out = json.loads(run(db, "dupes", "--json", "--report", str(json_path)))
    assert json.loads(json_path.read_text()) == out
    assert out["groups"][0]["keeper"]["keeper"] is True
    exact = json.loads(run(db, "dupes", "--exact", "--json"))
    assert exact["groups"] == [] and exact["tiers"] == ["exact"]


def test_dupes_report_needs_json_or_csv_and_leaves_nothing(db: Path, tmp_path: Path) -> None:
    before = sorted(tmp_path.iterdir())
    bad_suffix = runner.invoke(
        app, ["--database", str(db), "dupes", "--report", str(tmp_path / "x.txt")]
    )
    assert bad_suffix.exit_code == 2 and "report" in bad_suffix.output
    missing = tmp_path / "no" / "such" / "x.csv"
    no_folder = runner.invoke(app, ["--database", str(db), "dupes", "--report", str(missing)])
    assert no_folder.exit_code == 2 and "does not exist" in no_folder.output
    assert sorted(tmp_path.iterdir()) == before
