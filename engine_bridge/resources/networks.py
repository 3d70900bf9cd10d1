"""Networks: what a network is as the app sees it, how it is read, and how EngineState
follows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import COMPOSE_PROJECT, labels_of, parse_time
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

NAME = "network"


#: The networks every engine makes itself; they cannot be removed.
BUILT_IN = frozenset({"bridge", "host", "none"})


@dataclass(frozen=True)
class Attachment:
    """A container on a network: its name and its addresses there."""

    container_id: str
    name: str
    ipv4: str = ""
    ipv6: str = ""


@dataclass(frozen=True)
class NetworkSummary:
    """One network, its address plan, and the containers attached to it (inspect's)."""

    id: str
    name: str
    driver: str
    scope: str
    internal: bool
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    subnets: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    attachable: bool = False
    ipv6: bool = False
    containers: tuple[Attachment, ...] = ()

    @property
    def built_in(self) -> bool:
        return self.name in BUILT_IN

    @property
    def compose_project(self) -> str | None:
        return self.labels.get(COMPOSE_PROJECT)

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> NetworkSummary:
        ipam = data.get("IPAM") or {}
        configs = [c for c in ipam.get("Config") or [] if isinstance(c, dict)]
        subnets = tuple(str(c["Subnet"]) for c in configs if c.get("Subnet"))
        gateways = tuple(str(c["Gateway"]) for c in configs if c.get("Gateway"))
        attached = tuple(
            sorted(
                (
                    Attachment(str(cid), str(e.get("Name", "")),
                               str(e.get("IPv4Address", "")), str(e.get("IPv6Address", "")))
                    for cid, e in (data.get("Containers") or {}).items()
                ),
                key=lambda a: a.name,
            )
        )  # fmt: skip
        return cls(
            id=str(data.get("Id", "")),
            name=str(data.get("Name", "")),
            driver=str(data.get("Driver", "")),
            scope=str(data.get("Scope", "")),
            internal=bool(data.get("Internal", False)),
            created=parse_time(data.get("Created")),
            labels=labels_of(data.get("Labels")),
            subnets=subnets,
            gateways=gateways,
            attachable=bool(data.get("Attachable", False)),
            ipv6=bool(data.get("EnableIPv6", False)),
            containers=attached,
        )


async def list_networks(bridge: EngineBridge) -> list[NetworkSummary]:
    """Every network, as `docker network ls` lists them, each read whole (the list leaves out
    the containers on it)."""
    api = bridge.sdk_client.api

    def read() -> list[dict[str, Any]]:
        found = []
        for row in api.networks():
            try:
                found.append(api.inspect_network(row["Id"]))
            except Exception:  # removed between the list and the read: the list's row will do
                found.append(row)
        return found

    return [NetworkSummary.from_api(row) for row in await bridge.call(read)]


async def inspect_network(bridge: EngineBridge, network_id: str) -> dict[str, Any]:
    """`docker network inspect`, as the engine says it."""
    data: dict[str, Any] = await bridge.call(bridge.sdk_client.api.inspect_network, network_id)
    return data


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
