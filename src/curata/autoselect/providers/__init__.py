"""Artwork providers: adapters from real API responses (and local files) to candidates.

Each adapter is a pure function from a parsed response to ``AssetCandidate`` models;
the clients beside them fetch those responses over HTTP (see :mod:`.http`).
"""
