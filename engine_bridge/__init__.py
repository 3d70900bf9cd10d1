"""Dockyard's engine bridge: everything that talks to a Docker Engine, and no Qt.

The desktop app awaits `EngineBridge` and reads `EngineState`; a command-line tool or
another UI could do the same. Nothing here imports PySide6.
"""
