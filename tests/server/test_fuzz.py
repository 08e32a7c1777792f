"""Schemathesis against the live server's own OpenAPI document, over loopback.

Every generated request, valid (positive) and invalid (negative), must get a response
that is not a 5xx, has a documented status code and content type, and matches its
documented schema; a schema-invalid request is refused and a schema-valid one accepted,
but for the cross-field rules JSON Schema cannot state (``CROSS_FIELD_RULES`` in
conftest.py), which are refused with a 422 that names them.
Left out here: the operations that read or write folders on the server named in the
request (``POST /scans``, ``/selections/export``, ``/artwork/locks``): they are fuzzed
by ``tests/hostile/test_fuzz_writes.py`` on a server confined to temporary roots, which
also checks that nothing outside the export root was written. ``/artwork/fetch`` is
left out of both: it would talk to the artwork providers.

The operations are driven with Hypothesis directly (schemathesis's pytest plugin does not
run on this pytest version), a bounded number of examples each.
"""

from __future__ import annotations

import schemathesis

from tests.server.conftest import LiveServer, fuzz

MAX_EXAMPLES = 10
WRITES_SERVER_FOLDERS = ("/scans", "/selections/export", "/artwork/fetch", "/artwork/locks")


def test_api_conforms_to_its_schema(server: LiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json").exclude(
        method="POST", path=list(WRITES_SERVER_FOLDERS)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        fuzz(operation, server.url, MAX_EXAMPLES, timeout=30)
