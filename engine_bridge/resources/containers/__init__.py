"""Containers: how they are read and acted on, and how EngineState follows them (each
inspected once after the lists are shown, again when an event names it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine_bridge.resources import Kind
from engine_bridge.resources.containers.actions import (
    ContainerRef,
    duplicate_container,
    kill_container,
    pause_container,
    recreate_container,
    remove_container,
    restart_container,
    run_container,
    start_container,
    stop_container,
    unpause_container,
    update_restart_policy,
)
from engine_bridge.resources.containers.port_doctor import PortDiagnosis, diagnose_port
from engine_bridge.resources.containers.reads import (
    blueprint_of_container,
    container,
    container_processes,
    inspect_container,
    list_containers,
    run_spec_of,
)
from engine_bridge.resources.containers.summary import ContainerSummary, MountPoint, PortBinding

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

NAME = "container"

# Container events that do not change what a container list shows.
QUIET_ACTIONS = frozenset(
    {
        "exec_create", "exec_start", "exec_die", "exec_detach", "attach", "detach", "resize",
        "top", "export", "copy", "archive-path", "extract-to-dir", "commit",
    }
)  # fmt: skip


async def _list(bridge: EngineBridge) -> Sequence[ContainerSummary]:
    return await list_containers(bridge)


def _keep(old: ContainerSummary, fresh: ContainerSummary) -> ContainerSummary:
    return fresh.keep_details_of(old)


KIND = Kind(
    NAME,
    key=lambda c: str(c.id),
    list_all=_list,
    fetch=container,
    quiet_actions=QUIET_ACTIONS,
    keep=_keep,
    details=container,
)

__all__ = [
    "KIND",
    "NAME",
    "QUIET_ACTIONS",
    "ContainerRef",
    "ContainerSummary",
    "MountPoint",
    "PortBinding",
    "PortDiagnosis",
    "blueprint_of_container",
    "container",
    "container_processes",
    "diagnose_port",
    "duplicate_container",
    "inspect_container",
    "kill_container",
    "list_containers",
    "pause_container",
    "recreate_container",
    "remove_container",
    "restart_container",
    "run_container",
    "run_spec_of",
    "start_container",
    "stop_container",
    "unpause_container",
    "update_restart_policy",
]  # fmt: skip
