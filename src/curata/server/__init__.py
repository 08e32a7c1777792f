"""The HTTP API and web page (FastAPI): a transport over :class:`curata.Curata`."""

from curata.server.app import create_app

__all__ = ["create_app"]
