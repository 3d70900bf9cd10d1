"""Containers as EngineState follows them: listed as `docker ps -a` lists them, each
inspected once after the lists are shown, again when an event names it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine_bridge.dto import ContainerSummary
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from collections.abc import Sequence

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
    return await bridge.list_containers()


async def _fetch(bridge: EngineBridge, key: str) -> ContainerSummary | None:
    return await bridge.container(key)


def _keep(old: ContainerSummary, fresh: ContainerSummary) -> ContainerSummary:
    return fresh.keep_details_of(old)


KIND = Kind(
    NAME,
    key=lambda c: str(c.id),
    list_all=_list,
    fetch=_fetch,
    quiet_actions=QUIET_ACTIONS,
    keep=_keep,
    details=_fetch,
)
