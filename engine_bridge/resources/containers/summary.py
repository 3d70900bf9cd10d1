"""A container as the lists show it: one row of `docker ps -a`, its ports and mounts, and
the details inspect adds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from engine_bridge.dto import COMPOSE_PROJECT, COMPOSE_SERVICE, RestartPolicy, labels_of, parse_time


@dataclass(frozen=True)
class PortBinding:
    """A container port, and where it is published on the host (if it is)."""

    container_port: int
    protocol: str
    host_ip: str = ""
    host_port: int | None = None

    @property
    def published(self) -> bool:
        return self.host_port is not None

    def __str__(self) -> str:
        inside = f"{self.container_port}/{self.protocol}"
        if self.host_port is None:
            return inside
        ip = self.host_ip
        host = f"[{ip}]" if ":" in ip else ip
        return f"{host}:{self.host_port}->{inside}" if host else f"{self.host_port}->{inside}"


@dataclass(frozen=True)
class MountPoint:
    """A volume, bind mount or tmpfs inside a container."""

    type: str
    source: str
    destination: str
    read_only: bool
    name: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> MountPoint:
        return cls(
            type=str(data.get("Type", "")),
            source=str(data.get("Source", "")),
            destination=str(data.get("Destination", "")),
            read_only=not data.get("RW", True),
            name=str(data.get("Name", "") or ""),
        )


@dataclass(frozen=True)
class ContainerSummary:
    """One row of `docker ps -a`, plus details from inspect once they are known.

    `restart_policy`, `started_at`, `finished_at`, `exit_code` and `health` are None until the
    container has been inspected; `status` is the engine's own words at the time of listing.
    """

    id: str
    name: str
    image: str
    image_id: str
    command: str
    state: str
    status: str
    created: datetime | None
    ports: tuple[PortBinding, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    mounts: tuple[MountPoint, ...] = ()
    restart_policy: RestartPolicy | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int | None = None
    health: str | None = None

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def compose_project(self) -> str | None:
        return self.labels.get(COMPOSE_PROJECT)

    @property
    def compose_service(self) -> str | None:
        return self.labels.get(COMPOSE_SERVICE)

    @property
    def is_running(self) -> bool:
        return self.state in ("running", "paused", "restarting")

    @property
    def detailed(self) -> bool:
        return self.restart_policy is not None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ContainerSummary:
        """From one entry of GET /containers/json."""
        names = data.get("Names") or []
        name = str(names[0]).lstrip("/") if names else str(data.get("Id", ""))[:12]
        ports = _sorted_ports(
            {
                PortBinding(
                    container_port=int(p.get("PrivatePort", 0)),
                    protocol=str(p.get("Type", "tcp")),
                    host_ip=str(p.get("IP", "") or ""),
                    host_port=int(p["PublicPort"]) if p.get("PublicPort") else None,
                )
                for p in data.get("Ports") or []
            }
        )
        return cls(
            id=str(data.get("Id", "")),
            name=name,
            image=str(data.get("Image", "")),
            image_id=str(data.get("ImageID", "")),
            command=str(data.get("Command", "")),
            state=str(data.get("State", "")),
            status=str(data.get("Status", "")),
            created=parse_time(data.get("Created")),
            ports=ports,
            labels=labels_of(data.get("Labels")),
            mounts=tuple(MountPoint.from_api(m) for m in data.get("Mounts") or []),
        )

    def keep_details_of(self, older: ContainerSummary) -> ContainerSummary:
        """This fresh list entry, keeping the details `older` had until they are read again."""
        if self.detailed or not older.detailed:
            return self
        return replace(
            self,
            restart_policy=older.restart_policy,
            started_at=older.started_at,
            finished_at=older.finished_at,
            exit_code=older.exit_code,
            health=older.health,
        )

    def with_details(self, inspect: Mapping[str, Any]) -> ContainerSummary:
        """This summary completed (and corrected) with GET /containers/{id}/json.

        Inspect reads the container itself, while the list reads a snapshot that the engine
        updates just after it announces an event: right after "die", a list can still say
        "running". So state, ports, mounts and labels are taken from inspect.
        """
        host_config = inspect.get("HostConfig") or {}
        state = inspect.get("State") or {}
        health = state.get("Health") or {}
        config = inspect.get("Config") or {}
        network = inspect.get("NetworkSettings") or {}
        ports = _ports_from_inspect(network.get("Ports"))
        return replace(
            self,
            state=str(state.get("Status") or self.state),
            ports=ports if ports is not None else self.ports,
            mounts=tuple(MountPoint.from_api(m) for m in inspect["Mounts"] or [])
            if "Mounts" in inspect
            else self.mounts,
            labels=labels_of(config.get("Labels")) if "Labels" in config else self.labels,
            restart_policy=RestartPolicy.from_api(host_config.get("RestartPolicy")),
            started_at=parse_time(state.get("StartedAt")),
            finished_at=parse_time(state.get("FinishedAt")),
            exit_code=int(state["ExitCode"]) if "ExitCode" in state else None,
            health=str(health["Status"]) if health.get("Status") else None,
        )


def _ports_from_inspect(value: object) -> tuple[PortBinding, ...] | None:
    """NetworkSettings.Ports ({"80/tcp": [{"HostIp": ..., "HostPort": ...}] or null})."""
    if not isinstance(value, dict):
        return None
    found = set()
    for key, bindings in value.items():
        number, _, protocol = str(key).partition("/")
        if not number.isdigit():
            continue
        if not bindings:
            found.add(PortBinding(int(number), protocol or "tcp"))
            continue
        for b in bindings:
            host_port = str(b.get("HostPort") or "")
            found.add(
                PortBinding(
                    int(number),
                    protocol or "tcp",
                    str(b.get("HostIp") or ""),
                    int(host_port) if host_port.isdigit() else None,
                )
            )
    return _sorted_ports(found)


def _sorted_ports(ports: set[PortBinding]) -> tuple[PortBinding, ...]:
    return tuple(
        sorted(ports, key=lambda p: (p.container_port, p.protocol, p.host_ip, p.host_port or 0))
    )
