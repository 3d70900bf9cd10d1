"""The Compose pane: pane.py (wiring), rows.py (pure row text), details.py (a project up
close: services, logs, files, Compose's output), up_dialog.py and down_dialog.py."""
