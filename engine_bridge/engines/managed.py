"""What the engines Dockyard runs itself (the bundled engine, the VM engine) share: a blocking
lifecycle behind the async face, one start or stop at a time, a log file read from its end,
and the waits for a process to be gone."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from abc import abstractmethod
from pathlib import Path
from typing import Any

from engine_bridge.blocking import run_blocking
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.base import EngineProvider, Lifecycle
from engine_bridge.engines.settings_file import SettingsApplied, restart_with
from engine_bridge.engines.vm.certificates import Certificates
from engine_bridge.errors import EngineError
from engine_bridge.sdk import make_client
from engine_bridge.specs.daemon_settings import changed


def process_gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2 :].startswith(("Z", "X"))


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait up to `timeout` seconds for process `pid` to end; whether it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.05)
    return process_gone(pid)


def read_tail(path: Path, max_bytes: int) -> str:
    """The last `max_bytes` of a text file ("" when there is none)."""
    try:
        with path.open("rb") as text:
            size = text.seek(0, os.SEEK_END)
            text.seek(max(0, size - max_bytes))
            return text.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(endpoint: Endpoint, timeout: float) -> bool:
    """Whether the engine at `endpoint` answers its ping within `timeout` seconds."""
    try:
        make_client(endpoint, int(timeout) + 1, timeout, diagnose=False).close()
    except EngineError:
        return False
    return True


class ManagedEngine(EngineProvider):
    """An engine Dockyard starts and stops. Subclasses give `_running()` (does it run and
    answer now?), `_launch()`, `_adopt()` (take over one found running) and `stop_blocking()`."""

    manageable = True
    has_log = True

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    # --- async face ----------------------------------------------------------------------

    async def start(self) -> None:
        await run_blocking(None, self.start_blocking)

    async def stop(self) -> None:
        await run_blocking(None, self.stop_blocking)

    async def read_log(self, max_bytes: int = 256 * 1024) -> str:
        return await run_blocking(None, self.read_log_blocking, max_bytes)

    async def apply_settings(self, config: dict[str, Any]) -> SettingsApplied:
        return await run_blocking(None, self.apply_settings_blocking, config)

    # --- blocking work -------------------------------------------------------------------

    def refresh(self) -> None:
        """Find out whether the engine runs (after Dockyard itself restarted)."""
        running = self._running()
        if running and self.status.state is not Lifecycle.RUNNING:
            self._adopt()
            self._set_status(Lifecycle.RUNNING)
        elif not running and self.status.state is Lifecycle.RUNNING:
            self._set_status(Lifecycle.STOPPED)

    def start_blocking(self) -> None:
        with self._lock:
            if self._running():
                self._adopt()
                self._set_status(Lifecycle.RUNNING)
                return
            self._set_status(Lifecycle.STARTING)
            try:
                self._launch()
            except EngineError as exc:
                self._set_status(Lifecycle.ERROR, f"{exc.title}. {exc.message} {exc.hint}".strip())
                raise

    def _adopt(self) -> None:
        """What to do on finding the engine running; nothing by default."""

    def _apply_by_restart(self, config: dict[str, Any], running: bool) -> SettingsApplied:
        """Save new settings for an engine that reads them only as it starts: a running one
        is restarted, and given the last good file back when it refuses them."""
        settings = self.settings
        assert settings is not None
        changes = tuple(changed(settings.read(), config))
        if not changes:
            return SettingsApplied((), "live")
        settings.replace(config)
        if not running:
            settings.settled()
            return SettingsApplied(changes, "next start")
        restart_with(settings, self.stop_blocking, self.start_blocking)
        settings.settled()
        return SettingsApplied(changes, "restart")

    @abstractmethod
    def _running(self) -> bool: ...

    @abstractmethod
    def _launch(self) -> None: ...

    @abstractmethod
    def stop_blocking(self) -> None: ...

    @abstractmethod
    def read_log_blocking(self, max_bytes: int = 256 * 1024) -> str: ...

    @abstractmethod
    def apply_settings_blocking(self, config: dict[str, Any]) -> SettingsApplied: ...


class TlsEngineInVm(ManagedEngine):
    """An engine Dockyard runs in a VM of its own (QEMU, WSL 2), reached with TLS on a port of
    127.0.0.1 that is kept, with the last start's figures, in a small state file."""

    @property
    @abstractmethod
    def state_file(self) -> Path: ...

    @property
    @abstractmethod
    def certificates(self) -> Certificates: ...

    def _state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _keep_state(self, **facts: Any) -> None:
        self.state_file.write_text(json.dumps(facts) + "\n")

    @property
    def port(self) -> int | None:
        try:
            return int(self._state()["port"])
        except (KeyError, TypeError, ValueError):
            return None

    def _answers(self, timeout: float) -> bool:
        return (self.port is not None and self.certificates.complete()
                and answers(self.endpoint, timeout))  # fmt: skip
