"""The Images pane: pane.py (wiring), model.py (one row per tag), details.py (layers,
configuration, digests), and its own dialogs (an image reference, registry login)."""
