"""An unreadable file is an error record, and the rest of the scan goes on.

As root, permission bits do not stop reads; the scan then runs in a subprocess whose
capabilities to bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) are dropped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_DROP = "-dac_override,-dac_read_search"


def _unprivileged(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux's setpriv to drop read privileges")
    return [setpriv, f"--inh-caps={_DROP}", f"--ambient-caps={_DROP}",
            f"--bounding-set={_DROP}", *cmd]  # fmt: skip


def test_unreadable_file_and_folder_are_recorded_and_skipped(
    tmp_path: Path, fixtures: Path
) -> None:
    media = tmp_path / "media"
    (media / "locked").mkdir(parents=True)
    shutil.copy(fixtures / "near-duplicates" / "ukbench09040.jpg", media / "ok.jpg")
    shutil.copy(fixtures / "near-duplicates" / "ukbench09060.jpg", media / "secret.jpg")
    shutil.copy(fixtures / "near-duplicates" / "ukbench09348.jpg", media / "locked" / "x.jpg")
    (media / "secret.jpg").chmod(0)
    (media / "locked").chmod(0)
    db = tmp_path / "c.db"
    try:
        cmd = [sys.executable, "-m", "curata", "--database", str(db), "scan", str(media), "--json"]
        out = subprocess.run(_unprivileged(cmd), capture_output=True, text=True, check=True)
        errors = subprocess.run(
            [sys.executable, "-m", "curata", "--database", str(db), "errors", "--json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        (media / "locked").chmod(0o755)
    summary = json.loads(out.stdout)
    assert (summary["new"], summary["failed"]) == (1, 2)
    reasons = {Path(e["path"]).name: e["reason"] for e in json.loads(errors.stdout)}
    assert reasons == {
        "secret.jpg": "permission denied",
        "locked": "cannot list folder: Permission denied",
    }
