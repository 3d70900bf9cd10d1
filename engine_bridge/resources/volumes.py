"""Volumes as EngineState follows them, keyed by name (a volume has no other ID)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine_bridge.dto import VolumeSummary
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engine_bridge.bridge import EngineBridge

NAME = "volume"


async def _list(bridge: EngineBridge) -> Sequence[VolumeSummary]:
    return await bridge.list_volumes()


async def _fetch(bridge: EngineBridge, key: str) -> VolumeSummary | None:
    return await bridge.volume(key)


KIND = Kind(NAME, key=lambda v: str(v.name), list_all=_list, fetch=_fetch)
