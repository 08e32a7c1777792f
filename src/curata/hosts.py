"""Host names as the servers compare them: loopback, and the names they were given.

Light on purpose (no web framework): the CLI checks ``--host`` with it before a server
is imported, and :mod:`curata.server.guard` checks every request's ``Host`` with it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

#: Addresses that only say where to listen ("every interface"), never a host to answer to.
WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})


def normalize_host(name: str) -> str:
    """A host name or address as compared: lower case, no brackets, no final dot."""
    return name.strip("[]").lower().rstrip(".")


def is_loopback(host: str) -> bool:
    """``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    name = normalize_host(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(names: Iterable[str] = ()) -> frozenset[str]:
    """The names a server answers to besides loopback, normalized; wildcard addresses
    (``0.0.0.0``, ``::``) are left out."""
    return frozenset(normalize_host(n) for n in names if n.strip("[]") not in WILDCARDS)
