"""The MCP server: curata's structured interface as tools for AI assistants."""

from curata.mcp.server import build_server, run_http, run_stdio

__all__ = ["build_server", "run_http", "run_stdio"]
