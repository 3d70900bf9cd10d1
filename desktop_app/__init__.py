"""Dockyard's desktop app: Qt widgets over the engine bridge. Never imports `docker` itself."""

# The engine bridge (and the SDK, requests and YAML under it) is imported before PySide6:
# PySide6 reads the source of every module imported after it, looking for its own name,
# which cost about a third of the bridge's import time.
import engine_bridge  # noqa: F401
