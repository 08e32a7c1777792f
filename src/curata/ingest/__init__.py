"""Ingest: walk folders, probe files in a process pool, record them in the catalog."""
