"""Networks as EngineState follows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine_bridge.dto import NetworkSummary
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engine_bridge.bridge import EngineBridge

NAME = "network"


async def _list(bridge: EngineBridge) -> Sequence[NetworkSummary]:
    return await bridge.list_networks()


async def _fetch(bridge: EngineBridge, key: str) -> NetworkSummary | None:
    return await bridge.network(key)


KIND = Kind(NAME, key=lambda n: str(n.id), list_all=_list, fetch=_fetch)
