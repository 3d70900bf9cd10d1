"""Networks: what a network is as the app sees it, how it is read, and how EngineState
follows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import labels_of, parse_time
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

NAME = "network"


@dataclass(frozen=True)
class NetworkSummary:
    """One network and the containers attached to it (when known)."""

    id: str
    name: str
    driver: str
    scope: str
    internal: bool
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    subnets: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> NetworkSummary:
        ipam = data.get("IPAM") or {}
        subnets = tuple(
            str(c["Subnet"])
            for c in ipam.get("Config") or []
            if isinstance(c, dict) and "Subnet" in c
        )
        return cls(
            id=str(data.get("Id", "")),
            name=str(data.get("Name", "")),
            driver=str(data.get("Driver", "")),
            scope=str(data.get("Scope", "")),
            internal=bool(data.get("Internal", False)),
            created=parse_time(data.get("Created")),
            labels=labels_of(data.get("Labels")),
            subnets=subnets,
        )


async def list_networks(bridge: EngineBridge) -> list[NetworkSummary]:
    """Every network, as `docker network ls` lists them."""
    rows = await bridge.call(bridge.sdk_client.api.networks)
    return [NetworkSummary.from_api(row) for row in rows]


async def network(bridge: EngineBridge, network_id: str) -> NetworkSummary | None:
    """One network; None when it is gone."""
    try:
        data = await bridge.call(bridge.sdk_client.api.inspect_network, network_id)
    except EngineError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return None
        raise
    return NetworkSummary.from_api(data)


KIND = Kind(NAME, key=lambda n: str(n.id), list_all=list_networks, fetch=network)
