"""Widgets shared by panes and the window."""
