"""The Containers pane: pane.py (wiring), model.py (the tree grouped by Compose project),
filter.py, rows.py (what a row shows: no Qt), details.py, and its own dialogs."""
