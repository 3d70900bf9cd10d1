"""Dockyard's desktop app: Qt widgets over the engine bridge. Never imports `docker`."""
