"""Projects and selections: curated collections with history, similar-to-selection
and verified export. The SQL lives in :mod:`curata.catalog.selections`,
:mod:`curata.catalog.selection_history` and :mod:`curata.catalog.projects`."""
