"""docs/workbench.md says what the page does: its one command starts the workbench on
the sample library, its shortcut table is the page's own, its screenshots exist."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.conftest import REPO

DOC = REPO / "docs" / "workbench.md"
PAGE = REPO / "src" / "curata" / "server" / "static" / "index.html"


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_one_command_is_the_make_target_and_serves_the_sample_library(
    tmp_path: Path,
) -> None:
    line = _blocks()[0].strip()
    target, _, command = line.partition("# = ")
    assert target.strip() == "make workbench"
    recipe = re.search(r"^workbench:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.M)
    assert recipe is not None
    expanded = (
        recipe.group(1).replace("$(BIN)", ".venv/bin").replace("$(DEMO_DB)", ".demo/catalog.db")
    )
    assert command.strip() in expanded
    args = shlex.split(command)[1:]  # after .venv/bin/curata
    args[args.index("--database") + 1] = str(tmp_path / "catalog.db")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "CURATA_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", *args, "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                total = httpx.post(url + "/search", json={"limit": 0}, timeout=5).json()
                if total["data"]["total_count"] >= 19:  # the sample library, cataloged
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the workbench did not catalog the library"
            time.sleep(0.5)
        page = httpx.get(url + "/")
        assert page.status_code == 200 and "curata workbench" in page.text
        roots = httpx.get(url + "/folders").json()["data"]["children"]
        assert [Path(r["path"]).name for r in roots] == ["sample-library"]
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "Traceback" not in output, output


def test_the_shortcut_table_is_the_pages_own() -> None:
    page = re.search(r'<dialog id="help".*?</dialog>', PAGE.read_text(), re.S)
    assert page is not None
    keys = re.findall(r"<tr><th>(.*?)</th>", page.group(0))
    doc = DOC.read_text(encoding="utf-8")
    table = re.findall(r"^\| (.+?) \| .+ \|$", doc, re.M)
    normal = [k.replace(",", " or") for k in keys]
    assert [k for k in normal if k not in table] == []
    assert len(keys) >= 11


def test_every_screenshot_is_there() -> None:
    images = re.findall(r"!\[[^\]]*\]\((img/[^)]+\.png)\)", DOC.read_text(encoding="utf-8"))
    assert len(images) >= 8
    for image in images:
        data = (DOC.parent / image).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", image
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/workbench.md)" in readme and "(docs/img/workbench-library.png)" in readme
