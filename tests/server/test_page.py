"""The web page: served at ``/``, and every API call its script makes exists."""

from __future__ import annotations

import re
import shutil
import subprocess

import httpx
import pytest

from curata.server.app import STATIC

CALL = re.compile(r"""api\("(GET|POST|PUT|PATCH|DELETE)",\s*[`"]([^`"?]+)""")
FETCHED = re.compile(r"""`(/assets/\$\{[^}]+\}/(?:thumbnail|file))""")
#: Calls the page makes only when the server's OpenAPI lists them (built elsewhere).
OPTIONAL = {("GET", "/folders"), ("GET", "/events")}
SCRIPTS = sorted(STATIC.glob("*.js"))


def scripts() -> str:
    return "\n".join(path.read_text() for path in SCRIPTS)


def as_template(path: str) -> re.Pattern[str]:
    """``/assets/${hash}/file`` -> a pattern matching ``/assets/{hash}/file``."""
    parts = re.split(r"\$\{[^}]*\}", path)
    return re.compile("^" + r"\{[^}]+\}".join(re.escape(p) for p in parts) + "$")


def test_page_and_its_assets(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/app.js">' in page.text
    for path in SCRIPTS:
        script = http.get(f"/static/{path.name}")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert http.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert http.get("/static/../app.py").status_code == 404


def test_every_call_of_the_script_is_an_api_operation(http: httpx.Client) -> None:
    script = scripts()
    operations = {
        (method.upper(), path)
        for path, item in http.get("/openapi.json").json()["paths"].items()
        for method in item
    }
    calls = CALL.findall(script) + [("GET", p) for p in FETCHED.findall(script)]
    assert len(calls) >= 25
    assert {("GET", "/assets/${hash}/thumbnail"), ("GET", "/assets/${a.content_hash}/file")} <= set(
        calls
    )
    for method, path in calls:
        if (method, path) in OPTIONAL and "operations.has(" in script:
            continue
        pattern = as_template(path)
        assert any(m == method and pattern.match(p) for m, p in operations), (method, path)


def test_script_writes_data_as_text_only() -> None:
    script = scripts()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_script_parses() -> None:
    for path in SCRIPTS:
        subprocess.run(["node", "--check", str(path)], check=True)
