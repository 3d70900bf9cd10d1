"""The Volumes pane: pane.py (wiring), rows.py (what each row shows: no Qt), details.py,
files.py (a volume's files), dialogs.py (create, prune preview, import)."""
