"""Which engine to use when the app starts: the one that answers, else the bundled one."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from engine_bridge.blocking import run_blocking
from engine_bridge.engines.base import EngineProvider, Lifecycle
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.engines.local import SystemEngine
from engine_bridge.engines.managed import ManagedEngine
from engine_bridge.engines.vm.provider import VmEngine
from engine_bridge.engines.wsl.provider import WslEngine, available


class Preference(enum.Enum):
    """What the user asked for on the command line."""

    ASK = "ask"  # the engine that answers; else offer the bundled engine
    AUTO = "auto"  # the engine that answers; else start the bundled engine
    SYSTEM = "system"
    BUNDLED = "bundled"
    VM = "vm"  # Dockyard's engine in a VM, started if it is not running
    WSL = "wsl"  # Dockyard's engine in WSL 2 (Windows), started if it is not running


@dataclass(frozen=True)
class Choice:
    """The provider to use, or None with the reason no engine could be used."""

    provider: EngineProvider | None
    reason: str = ""
    start_bundled: bool = False


def own_engine() -> ManagedEngine:
    """The engine Dockyard runs itself when none answers: the bundled one, or on Windows
    (where dockerd does not run on the host) the one in WSL 2."""
    return WslEngine() if available() else BundledEngine()


def choose_blocking(preference: Preference) -> Choice:
    if preference is Preference.BUNDLED:
        return Choice(BundledEngine(), start_bundled=True)
    if preference is Preference.WSL:
        return Choice(WslEngine(), start_bundled=True)
    vm = VmEngine()
    if preference is Preference.VM:
        return Choice(vm, start_bundled=True)
    if preference is not Preference.SYSTEM:
        vm.refresh()  # left running by an earlier session of the app, or not
        if vm.status.state is Lifecycle.RUNNING:
            return Choice(vm)
        if vm.machine().start_with_app:
            return Choice(vm, start_bundled=True)
    system = SystemEngine()
    # check_blocking() never raises: a malformed config file is named in the status.
    answers = system.check_blocking()
    if answers or preference is Preference.SYSTEM:
        return Choice(system, reason=system.status.message)
    own = own_engine()
    own.refresh()  # running from an earlier session of the app, or not
    if own.status.state is Lifecycle.RUNNING:
        return Choice(own)
    if preference is Preference.AUTO:
        return Choice(own, reason=system.status.message, start_bundled=True)
    return Choice(None, reason=system.status.message)


async def choose(preference: Preference) -> Choice:
    """Decide off the event loop: checking an engine waits on a socket."""
    return await run_blocking(None, choose_blocking, preference)
