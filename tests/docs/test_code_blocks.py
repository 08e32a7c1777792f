"""Every fenced block of README.md and docs/*.md runs as written (issue 17).

Blocks are run by language, in document order, one doc file at a time, against a copy
of a catalog that ``curata scan`` made of ``examples/sample-library`` once per session:

- ``sh`` / ``bash`` / ``console``: each logical line (``\\`` continuations and multi-line
  quotes joined, comments stripped) runs in bash with ``curata`` on the PATH (a wrapper
  around ``sys.executable -m curata``, so PYTHONPATH is inherited), HOME and
  CURATA_HOME in the temporary folder; ``export`` lines carry to the next lines. It must
  exit 0 and print no traceback; a curl that prints a JSON envelope must say success.
  ``curata serve`` / ``watch`` / ``mcp`` run until their first output (or a few seconds of
  silence for stdio MCP), then get SIGINT, and must not have failed. Lines calling
  ``localhost:8765`` go to a real ``curata serve`` the test starts on a free port.
- ``python``: executed in one namespace per doc file, with ``cur`` (a ``Curata`` on the
  catalog) and the names in ``NAMES`` predefined; ``[...]`` / ``{...}`` read as empty.
- ``json``: parsed (``...`` elisions read as empty), validated where ``JSON_MODELS`` says.
- ``toml``: parsed. Blocks without a language: diagrams and sample output; each
  ``src/...`` path they name must exist.

The docs' placeholders map to the sample library: ``~/renders`` is a copy of it (plus an
``a.png``); the hash prefixes ``3fa2b1...``, ``9c01d2...``, ``77ab01`` are the ones of
three of its files (``template``; the third is ``a.png``, in README's selection), each
placeholder as long as the doc wrote it; ``/data/renders``, ``/exports/hero`` and
``/movies/...`` are folders under the temporary HOME. Blocks or lines that cannot run
are listed in ``SKIPPED_BLOCKS`` / ``SKIPPED_LINES`` with the reason, or marked in the
doc by ``<!-- doc-test: skip REASON -->`` on the line before the block.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from curata import Curata
from tests.conftest import REPO

SAMPLE = REPO / "examples" / "sample-library"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
MARKER = re.compile(r"<!--\s*doc-test:\s*skip\s+(.*?)\s*-->")

# (doc, first line of the block) -> why the block is not run.
SKIPPED_BLOCKS: dict[tuple[str, str], str] = {
    ("README.md", "make demo   # creates .venv, installs curata, runs `curata demo` on "
     "examples/sample-library"):
        "creates a venv and installs from the network, then runs the whole suite; "
        "tests/cli/test_first_use.py runs `curata demo` itself",
    ("docs/workbench.md", "make workbench      # = .venv/bin/curata --database .demo/catalog.db "
     "serve --watch examples/sample-library"):
        "installs the venv from the network; tests/cli/test_docs_workbench.py runs the "
        "command the make target runs",
    ("docs/architecture.md", "transports   cli/ (typer + rich)   server/ (FastAPI)   mcp"):
        "a diagram",
    ("docs/benchmarks.md", ".venv/bin/python benchmarks/autoselect.py --repeats 3"):
        "a benchmark (minutes of CPU); the suite does not time things",
    ("docs/selections.md", "curata project create|list|show|update|archive"):
        "a synopsis of the subcommands, each run in README.md's selection block",
    ("docs/similarity.md", "curata similar TARGET [--threshold N] [--invariant] [--limit N] "
     "[--json]"):
        "a synopsis of the options; README.md's similarity block runs the commands",
    ("docs/similarity.md", 'cur.find_similar({"target": target, "threshold": 10, "limit": 50, '
     '"filters": None,'):
        "a signature with its defaults (`keeper_order=[\"rating\", ...]` elides the list)",
    ("docs/similarity.md", "1-2 of 2 group(s), 5 member(s); tiers exact, same-pixels, near; "
     "near-duplicates within 10 bits of their keeper"):
        "sample output of `curata dupes` on tests/similarity's own library",
}  # fmt: skip

# (doc, start of a command line) -> why the line is not run.
SKIPPED_LINES: dict[tuple[str, str], str] = {
    ("README.md", "curata serve --port 9000 --database postgresql+psycopg://me@db/curata"):
        "a PostgreSQL server named `db` (tests/*/test_*postgres*.py run the catalog on one)",
    ("README.md", "curl -N localhost:8765/scans/<job id>/events"):
        "`<job id>` is the id the line before prints; docs/api.md's scan block runs it",
    ("README.md", "curata similar-videos clip.mp4"):
        "the sample library has no video; tests/similarity/test_videos.py runs it on clips "
        "PyAV encodes",
    ("README.md", "curata artwork fetch --tmdb 550"):
        "downloads from TMDB and fanart.tv with API keys (tests/autoselect/test_fetch.py "
        "runs fetch against a local provider server)",
}  # fmt: skip

# Output a block must print (doc, first line of the block) -> text.
EXPECTED_OUTPUT: dict[tuple[str, str], str] = {
    ("docs/watch.md", "import pathlib"): "1 ['new']",
}

FOREVER = re.compile(r"\bcurata\b.*?\b(serve|watch|mcp)\b")


@dataclass
class Block:
    doc: str
    line: int
    lang: str
    body: str
    skip: str | None

    @property
    def first(self) -> str:
        return self.body.strip().splitlines()[0].strip() if self.body.strip() else ""

    def where(self) -> str:
        return f"{self.doc}:{self.line} ```{self.lang}\n{self.body}```"


def blocks(path: Path) -> list[Block]:
    doc = path.relative_to(REPO).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = re.match(r"^\s*```(\S*)\s*$", lines[i])
        if opening:
            start, body = i, []
            i += 1
            while not re.match(r"^\s*```\s*$", lines[i]):
                body.append(lines[i])
                i += 1
            marker = MARKER.search(lines[start - 1]) if start else None
            text = "\n".join(body) + "\n"
            block = Block(doc, start + 1, opening.group(1), text, None)
            block.skip = marker.group(1) if marker else SKIPPED_BLOCKS.get((doc, block.first))
            found.append(block)
        i += 1
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """HOME with ~/renders (the sample library and a.png) cataloged once by `curata scan`."""
    home = tmp_path_factory.mktemp("doc-home")
    renders = home / "renders"
    shutil.copytree(SAMPLE, renders)
    Image.new("RGB", (96, 64), (200, 40, 90)).save(renders / "a.png")
    env = _env(home)
    done = subprocess.run(
        [sys.executable, "-m", "curata", "scan", str(renders)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with Curata(database=home / ".local/share/curata/catalog.db") as cur:

        def prefix(name: str) -> str:
            asset = cur.get_asset(str(renders / name)).data
            assert asset is not None
            return asset.content_hash

        hashes = {
            "3fa2b1": prefix("generated/automatic1111.png"),
            "9c01d2": prefix("generated/comfyui_img2img.png"),
            "77ab01": prefix("a.png"),
        }
    return home, hashes


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURATA_")}
    bin_dir = home.parent / (home.name + "-bin")
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "curata"
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m curata "$@"\n')
    wrapper.chmod(0o755)
    env.update(
        HOME=str(home),
        CURATA_HOME=str(home / ".local" / "share" / "curata"),
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p),
        TOKEN=secrets.token_hex(8),
        COLUMNS="100",
    )
    return env


class Runner:
    """One doc file's run: its HOME, catalog, shell environment and Python namespace."""

    def __init__(self, root: Path, template: tuple[Path, dict[str, str]]) -> None:
        source, self.hashes = template
        self.home = root / "home"
        shutil.copytree(source, self.home)
        self.work = root / "work"  # the current directory of every block
        self.work.mkdir()
        for folder in ("Pictures/renders", "Downloads", "Deliveries", "deliveries", "movies"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        (self.home / "movies" / "Fight Club (1999)").mkdir()
        shutil.copy(SAMPLE / "photos" / "ukbench00120.jpg", self.home / "Downloads/poster.jpg")
        shutil.copy(SAMPLE / "photos" / "ukbench00120_hflip.jpg", self.work / "photo.jpg")
        shutil.copy(SAMPLE / "generated" / "automatic1111.png", self.work / "render.png")
        shutil.copytree(REPO / "examples", self.work / "examples")  # as in a clone
        shutil.copy(REPO / "examples" / "artwork-candidates.json", self.work / "candidates.json")
        query = {"filters": {"media_type": "image"}, "limit": 5}
        (self.work / "query.json").write_text(json.dumps(query))
        self.env = _env(self.home)
        self.server: subprocess.Popen[str] | None = None
        self.port = _free_port()
        self.namespace: dict[str, Any] | None = None
        self.cur: Curata | None = None

    # -- placeholders ---------------------------------------------------------------
    def resolve(self, text: str) -> str:
        for placeholder, full in self.hashes.items():
            text = re.sub(rf"\b{placeholder}[0-9a-f]*\.\.\.", full, text)
            text = re.sub(
                rf"\b{placeholder}[0-9a-f]*\b",
                lambda m, full=full: full[: max(len(m.group(0)), 6)],
                text,
            )
        text = text.replace("localhost:8765", f"127.0.0.1:{self.port}")
        text = text.replace("/data/renders", str(self.home / "renders"))
        text = text.replace('"/exports/', f'"{self.home}/exports/')
        text = text.replace('"/movies/', f'"{self.home}/movies/')
        text = text.replace("--database URL", "--database team.db")
        return text.replace("--cache-dir DIR", "--cache-dir cache")

    # -- shell ----------------------------------------------------------------------
    def commands(self, body: str) -> Iterator[str]:
        pending = ""
        for raw in body.splitlines():
            pending += raw + "\n"
            if raw.rstrip().endswith("\\"):
                continue
            try:
                shlex.split(pending, comments=True)
            except ValueError:  # an open quote: the command goes on
                continue
            command = _strip_comment(pending)
            pending = ""
            if command:
                yield command
        assert not pending.strip(), f"unterminated command: {pending}"

    def run_shell(self, block: Block) -> list[str]:
        failures = []
        for command in self.commands(block.body):
            skipped = [r for (d, start), r in SKIPPED_LINES.items()
                       if d == block.doc and command.startswith(start)]  # fmt: skip
            if skipped:
                continue
            problem = self.run_command(self.resolve(command))
            if problem:
                failures.append(f"{block.doc}:{block.line}: `{command}`\n{problem}")
        return failures

    def run_command(self, command: str) -> str | None:
        assigned = re.fullmatch(r"(?:export )?(\w+)=(\$\(.*\)|\S+)", command, re.S)
        if assigned:  # a shell variable: the next lines see it
            name = assigned.group(1)
            done = subprocess.run(
                ["bash", "-c", f'{command}\nprintf %s "${name}"'], cwd=self.work, env=self.env,
                capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            if done.returncode != 0 or not done.stdout:
                return f"exit {done.returncode}, {name} empty\n{done.stderr}"
            self.env[name] = done.stdout
            return None
        if "127.0.0.1:" in command and "curl" in command:
            self.start_server()
        if FOREVER.search(command):
            return self.run_forever(command)
        done = subprocess.run(
            ["bash", "-c", "set -o pipefail\n" + command], cwd=self.work, env=self.env,
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        output = done.stdout + done.stderr
        if done.returncode != 0 or "Traceback" in output:
            return f"exit {done.returncode}\n{output}"
        if command.startswith("curl") and done.stdout.startswith("{"):
            envelope = json.loads(done.stdout)
            if envelope.get("success") is not True:
                return f"the API answered {done.stdout}"
        return None

    def run_forever(self, command: str) -> str | None:
        """Start a command that runs until stopped; stop it after its first output."""
        forever = FOREVER.search(command)
        assert forever is not None
        stdio_mcp = forever.group(1) == "mcp" and "--http" not in command
        if forever.group(1) == "serve" or (forever.group(1) == "mcp" and not stdio_mcp):
            port = str(_free_port())
            if "--port" in command:
                command = re.sub(r"--port \d+", f"--port {port}", command)
            else:
                command += f" --port {port}"
        proc = subprocess.Popen(
            ["bash", "-c", command], cwd=self.work, env=self.env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)

        def read() -> str:
            chunks = []
            with contextlib.suppress(BlockingIOError):
                while chunk := os.read(fd, 65536):
                    chunks.append(chunk)
            return b"".join(chunks).decode(errors="replace")

        output, deadline = "", time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            output += read()
            if output.strip() and not stdio_mcp:
                time.sleep(1)  # let the first lines out
                break
            if stdio_mcp and time.monotonic() > deadline - 55:
                break
            time.sleep(0.2)
        if proc.poll() is not None:
            output += read()
            return f"stopped by itself (exit {proc.returncode})\n{output}"
        if stdio_mcp:
            assert proc.stdin is not None
            proc.stdin.close()  # the client went away
        else:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return f"did not stop on SIGINT\n{output}"
        output += read()
        if not output.strip() and not stdio_mcp:
            return "no output within 60 s"
        if "Traceback" in output or proc.returncode not in (0, 130, -signal.SIGINT):
            return f"exit {proc.returncode}\n{output}"
        return None

    def start_server(self) -> None:
        if self.server is not None:
            return
        self.server = subprocess.Popen(
            [sys.executable, "-m", "curata", "serve", "--port", str(self.port),
             "--root", str(self.home / "renders"), "--log-level", "warning"],
            cwd=self.work, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            assert self.server.poll() is None, "curata serve stopped"
            try:
                httpx.post(f"http://127.0.0.1:{self.port}/search", json={"limit": 0}, timeout=5)
                return
            except httpx.TransportError:
                assert time.monotonic() < deadline, "curata serve did not start"
                time.sleep(0.3)

    # -- python ---------------------------------------------------------------------
    def run_python(self, block: Block, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(self.work)
        if self.namespace is None:
            self.cur = Curata()
            self.namespace = {"cur": self.cur, **NAMES}
        code = self.resolve(block.body).replace("[...]", "[]").replace("{...}", "{}")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{block.doc}:{block.line}", "exec"), self.namespace)
        except Exception as exc:
            return [f"{block.where()}\nraised {type(exc).__name__}: {exc}\n{out.getvalue()}"]
        finally:
            self.namespace["cur"] = self.cur  # a block's own `with Curata() as cur` closed
        expected = EXPECTED_OUTPUT.get((block.doc, block.first))
        if expected is not None and expected not in out.getvalue():
            return [f"{block.where()}\nprinted {out.getvalue()!r}, not {expected!r}"]
        return []

    def close(self) -> None:
        if self.cur is not None:
            self.cur.close()
        if self.server is not None:
            self.server.send_signal(signal.SIGINT)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def _strip_comment(command: str) -> str:
    """The command without its trailing `# comment` (a `#` outside quotes after a space)."""
    quote, out = None, []
    for i, char in enumerate(command):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or command[i - 1].isspace()):
            break
        out.append(char)
    text = "".join(out)
    return re.sub(r"\\\n\s*", "", text).strip()


def _artwork_candidates() -> dict[str, Any]:
    return json.loads((REPO / "examples" / "artwork-candidates.json").read_text())


# Names a python block may use without defining them (the objects its prose describes).
NAMES: dict[str, Any] = {
    "provider_results": _artwork_candidates(),
    "asset": _artwork_candidates()["tmdb"][0],
    "text": "a lighthouse at dusk\nNegative prompt: blurry\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512",
}


def check_json(block: Block) -> list[str]:
    text = block.body.replace("[...]", "[]").replace("{...}", "{}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"{block.where()}\nis not JSON: {exc}"]
    if isinstance(value, dict) and "mcpServers" in value:
        server = value["mcpServers"]["curata"]
        if not (
            server["command"].endswith("/bin/python") and server["args"][:2] == ["-m", "curata"]
        ):
            return [f"{block.where()}\nis not a `python -m curata` MCP configuration"]
    if isinstance(value, dict) and "total_count" in value and "facets" in value:
        from curata.models import SearchResponse

        try:
            SearchResponse.model_validate(value)
        except Exception as exc:
            return [f"{block.where()}\nis not a SearchResponse: {exc}"]
    return []


def check_text(block: Block) -> list[str]:
    if block.lang == "toml":
        try:
            tomllib.loads(block.body)
        except tomllib.TOMLDecodeError as exc:
            return [f"{block.where()}\nis not TOML: {exc}"]
        return []
    missing = [p for p in re.findall(r"\bsrc/[\w/]+\.py\b", block.body) if not (REPO / p).exists()]
    return [f"{block.where()}\nnames missing files {missing}"] if missing else []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_block_runs_as_written(
    path: Path,
    template: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = Runner(tmp_path, template)
    failures: list[str] = []
    try:
        for block in blocks(path):
            if block.skip:
                continue
            if block.lang in ("sh", "bash", "console"):
                failures += runner.run_shell(block)
            elif block.lang == "python":
                failures += runner.run_python(block, monkeypatch)
            elif block.lang == "json":
                failures += check_json(block)
            elif block.lang in ("toml", "text", ""):
                failures += check_text(block)
            else:
                failures.append(f"{block.where()}\nlanguage {block.lang!r}: run it or list it")
    finally:
        runner.close()
    assert not failures, "\n\n".join(failures)


def test_every_skipped_block_and_line_exists() -> None:
    """The skip tables name blocks that are still there (a stale entry hides nothing)."""
    found = {(b.doc, b.first): b for path in DOCS for b in blocks(path)}
    assert [key for key in SKIPPED_BLOCKS if key not in found] == []
    assert [key for key in EXPECTED_OUTPUT if key not in found] == []
    bodies = {doc: "" for doc, _ in SKIPPED_LINES}
    for (doc, _), block in found.items():
        if doc in bodies:
            bodies[doc] += block.body
    assert [key for key in SKIPPED_LINES if key[1] not in bodies[key[0]]] == []
