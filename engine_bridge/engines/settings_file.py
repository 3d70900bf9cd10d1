"""The configuration file (daemon.json) of an engine Dockyard runs, and the last good copy
kept beside it while a change is tried, so that an engine that does not come back with the
new settings can be given the old ones again."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.specs.daemon_settings import text_of


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_good = path.with_name(path.name + ".last-good")

    def ensure(self) -> None:
        """An empty configuration where there is none: the engine is pointed at this file."""
        if not self.path.exists():
            self._write(self.path, "{}\n")

    def text(self) -> str:
        try:
            return self.path.read_text()
        except FileNotFoundError:
            return "{}\n"

    def read(self) -> dict[str, Any]:
        """The configuration; an unreadable file is said in words."""
        try:
            config = json.loads(self.text() or "{}")
        except json.JSONDecodeError as exc:
            raise EngineError(
                ErrorKind.PROVIDER,
                "The engine's settings file cannot be read",
                f"{self.path} is not valid JSON: {exc.msg} (line {exc.lineno}).",
                "Open Engine settings and fix it in the JSON view, or remove the file.",
            ) from exc
        if not isinstance(config, dict):
            raise EngineError(ErrorKind.PROVIDER, "The engine's settings file cannot be read",
                              f"{self.path} does not hold a JSON object.",
                              "Open Engine settings and fix it in the JSON view.")  # fmt: skip
        return config

    def replace(self, config: dict[str, Any]) -> None:
        """Write `config`, keeping what was there as the last good copy."""
        self._write(self.last_good, self.text())
        self._write(self.path, text_of(config))

    def restore(self) -> None:
        """Put the last good copy back."""
        if self.last_good.exists():
            os.replace(self.last_good, self.path)

    def settled(self) -> None:
        """The new file worked: the copy is no longer needed."""
        with contextlib.suppress(FileNotFoundError):
            self.last_good.unlink()

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(path.name + ".new")
        temporary.write_text(text)
        temporary.chmod(0o600)
        os.replace(temporary, path)


@dataclass(frozen=True)
class SettingsApplied:
    """What saving new settings did: the keys that changed, and how the engine took them:
    "live" (on a reload signal, confirmed), "restart", or "next start" (it was not running)."""

    changed: tuple[str, ...]
    how: str


def restart_with(settings: SettingsFile, stop: Callable[[], None],
                 start: Callable[[], None]) -> None:  # fmt: skip
    """Restart an engine on its new settings file; when it does not start, put the last good
    file back, start it on that, and say in the engine's words what went wrong."""
    stop()
    try:
        start()
    except EngineError as exc:
        settings.restore()
        start()
        raise EngineError(
            ErrorKind.PROVIDER,
            "The engine did not start with the new settings",
            exc.message,
            "The previous settings are back in place and the engine runs with them.",
        ) from exc
