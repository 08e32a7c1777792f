"""docs/api.md and the README cover every endpoint and tool that exists."""

from __future__ import annotations

import json
import re

import httpx

from curata.mcp.server import all_tools
from tests.conftest import REPO


def test_every_operation_and_tool_is_documented(http: httpx.Client) -> None:
    doc = (REPO / "docs" / "api.md").read_text()
    paths = http.get("/openapi.json").json()["paths"]
    missing = [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if not re.search(rf"`{method.upper()} {re.escape(path)}[`?]", doc)
    ]
    assert missing == []
    assert [t.name for t in all_tools() if f"`{t.name}`" not in doc] == []


def test_readme_has_a_working_mcp_client_configuration() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", readme, re.S)
    configs = [json.loads(b) for b in blocks if "mcpServers" in b]
    assert configs, "no MCP client configuration block in README.md"
    server = configs[0]["mcpServers"]["curata"]
    # The block `curata mcp` prints (tests/mcp/test_terminal.py runs it as written).
    assert server["command"].endswith("/bin/python")
    assert server["args"][:2] == ["-m", "curata"] and "mcp" in server["args"]
    for tool in all_tools():
        assert f"`{tool.name}`" in readme, tool.name
