"""The contract every engine provider keeps: an endpoint and a lifecycle with explicit states."""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.settings_file import SettingsApplied, SettingsFile
from engine_bridge.errors import EngineError, ErrorKind

log = logging.getLogger(__name__)


class Lifecycle(enum.Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    ERROR = "error"


@dataclass(frozen=True)
class MachineSettings:
    """What the user chooses for a VM that runs an engine: applied at its next start."""

    cpus: int = 2
    memory_mib: int = 2048
    disk_gib: int = 64
    start_with_app: bool = False


@dataclass(frozen=True)
class ProviderStatus:
    """Where a provider's engine is in its lifecycle; `message` says why on ERROR."""

    state: Lifecycle
    message: str = ""


StatusListener = Callable[[ProviderStatus], None]


class EngineProvider(ABC):
    """Somewhere an engine runs. Listeners hear every change of `status`.

    Listeners may be called from a worker thread: a UI must hand them to its own thread.
    """

    #: A short name in the user's words, for the engine switcher.
    label: str = ""
    #: What kind of engine it is, for the Engine page: "system", "context" (an engine named
    #: by a docker context), "bundled" or "vm".
    kind: str = "system"
    #: Whether Dockyard itself can start and stop this engine (`start()`, `stop()`).
    manageable: bool = False
    #: Whether the engine's own log can be read (`read_log()`).
    has_log: bool = False

    def __init__(self) -> None:
        self.status = ProviderStatus(Lifecycle.STOPPED)
        self._listeners: list[StatusListener] = []

    def on_status(self, listener: StatusListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _set_status(self, state: Lifecycle, message: str = "") -> None:
        self.status = ProviderStatus(state, message)
        for listener in list(self._listeners):
            try:
                listener(self.status)
            except Exception:
                log.exception("engine status listener failed")

    @property
    @abstractmethod
    def endpoint(self) -> Endpoint:
        """How the bridge reaches this engine."""

    @abstractmethod
    async def start(self) -> None:
        """Bring the engine up, or find that it is up; raises EngineError when it cannot."""

    @abstractmethod
    async def stop(self) -> None:
        """Bring the engine down, where Dockyard may."""

    async def read_log(self, max_bytes: int = 256 * 1024) -> str:
        """The end of the engine's own log, at most `max_bytes`; "" where there is none."""
        return ""

    def machine(self) -> MachineSettings | None:
        """The CPUs, memory and disk of the machine the engine runs in, where Dockyard runs
        that machine (None elsewhere)."""
        return None

    def choose_machine(self, settings: MachineSettings) -> None:
        """Keep new machine settings; the machine takes them at its next start."""
        raise EngineError(ErrorKind.PROVIDER, "This engine runs in no machine of Dockyard's")

    def details(self) -> str:
        """A sentence about the running engine beyond its state ("" when there is none)."""
        return ""

    #: Whether the engine takes some settings while it runs (on a reload signal).
    settings_live: bool = False

    #: The engine's settings file, where Dockyard runs the engine and may change them.
    settings: SettingsFile | None = None

    async def apply_settings(self, config: dict[str, Any]) -> SettingsApplied:
        """Save new settings and have the engine take them (live, or by a restart)."""
        raise EngineError(ErrorKind.PROVIDER, "This engine's settings are not Dockyard's",
                          f"{self.label or 'This engine'} is run by someone else.",
                          "Change them where that engine is set up.")  # fmt: skip
