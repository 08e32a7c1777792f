"""The ``curata`` command line: a thin typer wrapper over :class:`curata.Curata`."""
