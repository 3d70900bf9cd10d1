"""Networks: what a network is as the app sees it, how it is read, and how EngineState
follows it."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import COMPOSE_PROJECT, labels_of, parse_time
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation
from engine_bridge.resources import Kind
from engine_bridge.specs.network_form import NetworkForm, create_request, docker_command

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


# --- acting on networks -----------------------------------------------------------------


def in_use_error(network: NetworkSummary) -> EngineError:
    names = ", ".join(a.name for a in network.containers)
    return EngineError(
        ErrorKind.CONFLICT,
        "Network in use",
        f"Containers are on {network.name}: {names}.",
        "Disconnect them, or remove them, first.",
    )


def create_network(form: NetworkForm) -> Operation[str]:
    """`docker network create`; the result is the new network's ID."""

    def work(client: Any) -> str:
        made = client.api.create_network(**create_request(form))
        return str((made or {}).get("Id", ""))

    return Operation(f"Create network {form.name}", tuple(docker_command(form)), work,
                     target=form.name, verb="creating")  # fmt: skip


def remove_network(network: NetworkSummary) -> Operation[None]:
    """`docker network rm`, refused while containers are on it (the engine refuses too)."""

    def work(client: Any) -> None:
        if network.built_in:
            raise EngineError(
                ErrorKind.CONFLICT, f"{network.name} is the engine's own network",
                "The engine made it and needs it.", "It cannot be removed.",
            )  # fmt: skip
        fresh = NetworkSummary.from_api(client.api.inspect_network(network.id))
        if fresh.containers:
            raise in_use_error(fresh)
        client.api.remove_network(network.id)

    return Operation(f"Remove network {network.name}", ("docker", "network", "rm", network.name),
                     work, target=network.name, verb="removing")  # fmt: skip


def _has_label(network: NetworkSummary, label: str) -> bool:
    key, equals, value = label.partition("=")
    return key in network.labels and (not equals or network.labels[key] == value)


def plan_network_prune(networks: list[NetworkSummary], label: str = "") -> list[NetworkSummary]:
    """What `docker network prune` removes: every network no container is on, but the
    engine's own; with `label` ("key" or "key=value"), only those that carry it."""
    return sorted((n for n in networks if not n.built_in and not n.containers
                   and (not label or _has_label(n, label))), key=lambda n: n.name)  # fmt: skip


def prune_networks(label: str = "") -> Operation[list[str]]:
    """`docker network prune --force [--filter label=…]`; the result is the names of the
    networks removed."""
    argv = ["docker", "network", "prune", "--force"]
    if label:
        argv += ["--filter", f"label={label}"]

    def work(client: Any) -> list[str]:
        done = client.api.prune_networks(filters={"label": label} if label else None) or {}
        return sorted(str(n) for n in done.get("NetworksDeleted") or [])

    return Operation("Prune networks", tuple(argv), work, verb="pruning")


def local_routes() -> list[str]:
    """The IPv4 networks this machine routes to (from /proc/net/route; none elsewhere), the
    engine's own bridges left out: a new network must not overlap them."""
    found = []
    with contextlib.suppress(OSError), open("/proc/net/route", encoding="ascii") as table:
        for line in table.read().splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8 or fields[0].startswith(("docker", "br-", "veth")):
                continue
            destination = socket.inet_ntoa(struct.pack("<L", int(fields[1], 16)))
            mask = socket.inet_ntoa(struct.pack("<L", int(fields[7], 16)))
            if destination != "0.0.0.0":
                found.append(str(ipaddress.ip_network(f"{destination}/{mask}", strict=False)))
    return found


def connect_container(
    network: str, container: str, aliases: tuple[str, ...] = (), ipv4: str = ""
) -> Operation[None]:
    """`docker network connect [--alias A] [--ip ADDRESS] NETWORK CONTAINER`."""
    argv = ["docker", "network", "connect"]
    for alias in aliases:
        argv += ["--alias", alias]
    if ipv4:
        argv += ["--ip", ipv4]
    argv += [network, container]

    def work(client: Any) -> None:
        client.api.connect_container_to_network(
            container, network, aliases=list(aliases) or None, ipv4_address=ipv4 or None
        )

    return Operation(f"Connect {container} to {network}", tuple(argv), work,
                     target=network, verb="connecting")  # fmt: skip


def disconnect_container(network: str, container: str) -> Operation[None]:
    """`docker network disconnect NETWORK CONTAINER`."""

    def work(client: Any) -> None:
        client.api.disconnect_container_from_network(container, network)

    return Operation(f"Disconnect {container} from {network}",
                     ("docker", "network", "disconnect", network, container), work,
                     target=network, verb="disconnecting")  # fmt: skip
