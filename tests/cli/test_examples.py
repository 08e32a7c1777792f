"""The example scripts run on the sample library and do what they say."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import REPO

from curata import Curata

EXAMPLES = REPO / "examples"


def run_example(name: str, tmp_path: Path) -> tuple[str, Path, Path]:
    db, export = tmp_path / "catalog.db", tmp_path / "export"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), str(db), str(export)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, db, export


def test_selection_example(tmp_path: Path) -> None:
    out, db, export = run_example("selection_example.py", tmp_path)
    assert "created 'Hero Images Q4 2024' (hero-images-q4-2024), status draft" in out
    with Curata(database=db, create=False) as cur:
        sel = cur.get_selection("my-project", "hero-images-q4-2024").data
        assert sel.status.value == "exported" and sel.criteria["mood"] == "energetic"
        assert [i.role for i in sel.items] == ["primary", "supporting", "supporting"]
        assert sel.items[0].selection_reason == "Perfect hero image energy"
        actions = [e.action for e in cur.selection_history("my-project", sel.id).data]
        assert actions[:3] == ["create", "add_items", "set_status"]
    manifest = json.loads((export / "manifest.json").read_text())
    assert len(list((export / "primary").glob("*.png"))) == 1
    assert len(list((export / "supporting").glob("*.png"))) == 2
    assert "Hero Images Q4 2024" in json.dumps(manifest)


def test_similarity_search_with_selections(tmp_path: Path) -> None:
    out, db, export = run_example("similarity_search_with_selections.py", tmp_path)
    scored = re.findall(r"^(\d\.\d{3})  (\S+)$", out, re.M)
    assert scored and all(name.startswith("ukbench00120_") for _score, name in scored)
    good = [name for score, name in scored if float(score) > 0.75]
    with Curata(database=db, create=False) as cur:
        sel = cur.get_selection("products", "minimalist-product-shots").data
        assert [i.role for i in sel.items] == ["hero", *["alternate"] * len(good)]
        assert sorted(Path(i.file_path).name for i in sel.items[1:]) == sorted(good)
    exported = [p for p in export.rglob("*ukbench00120*.jpg") if "thumbnail" not in str(p)]
    assert len(exported) == 1 + len(good)


@pytest.mark.parametrize("doc", ["README.md", "examples/README.md", "docs"])
def test_links_stay_in_the_repository(doc: str) -> None:
    files = sorted((REPO / doc).glob("*.md")) if (REPO / doc).is_dir() else [REPO / doc]
    for path in files:
        prose = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", prose):
            if re.match(r"[a-z]+://", target):
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.is_relative_to(REPO), f"{path.name}: {target} is outside the repo"
            assert resolved.exists(), f"{path.name}: {target} does not exist"
