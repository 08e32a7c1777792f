"""Exporting a selection: plan the layout, stage and verify the files, publish atomically."""
