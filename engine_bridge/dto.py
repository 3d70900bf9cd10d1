"""Frozen snapshots of engine objects, the only engine data the UI ever sees.

Each class reads itself from the Engine API's JSON (`from_api`); none holds a client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"

_ZERO_TIME = "0001-01-01T00:00:00Z"


def parse_time(value: object) -> datetime | None:
    """An engine timestamp (RFC 3339 with nanoseconds, or Unix seconds) as aware UTC."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC) if value > 0 else None
    if not isinstance(value, str) or not value or value.startswith(_ZERO_TIME[:10]):
        return None
    text = value.rstrip("Z")
    offset = "+00:00"
    if "+" in text[10:] or text[10:].count("-") > 0:
        cut = max(text.rfind("+"), text.rfind("-"))
        text, offset = text[:cut], text[cut:]
    if "." in text:
        head, frac = text.split(".", 1)
        text = f"{head}.{frac[:6]}"
    try:
        return datetime.fromisoformat(text + offset).astimezone(UTC)
    except ValueError:
        return None


def labels_of(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


@dataclass(frozen=True)
class EngineFacts:
    """What `docker version` and `docker info` say about an engine."""

    name: str
    engine_version: str
    api_version: str
    min_api_version: str
    os: str
    arch: str
    kernel: str
    operating_system: str
    storage_driver: str
    cgroup_driver: str
    cgroup_version: str
    containerd_version: str
    runc_version: str
    cpus: int
    memory_bytes: int
    containers: int
    containers_running: int
    containers_paused: int
    containers_stopped: int
    images: int
    root_dir: str

    @classmethod
    def from_api(cls, version: Mapping[str, Any], info: Mapping[str, Any]) -> EngineFacts:
        components = {
            str(c.get("Name", "")).lower(): str(c.get("Version", ""))
            for c in version.get("Components") or []
            if isinstance(c, dict)
        }
        return cls(
            name=str(info.get("Name", "")),
            engine_version=str(version.get("Version", "")),
            api_version=str(version.get("ApiVersion", "")),
            min_api_version=str(version.get("MinAPIVersion", "")),
            os=str(version.get("Os", info.get("OSType", ""))),
            arch=str(version.get("Arch", info.get("Architecture", ""))),
            kernel=str(version.get("KernelVersion", info.get("KernelVersion", ""))),
            operating_system=str(info.get("OperatingSystem", "")),
            storage_driver=str(info.get("Driver", "")),
            cgroup_driver=str(info.get("CgroupDriver", "")),
            cgroup_version=str(info.get("CgroupVersion", "")),
            containerd_version=components.get("containerd", ""),
            runc_version=components.get("runc", ""),
            cpus=int(info.get("NCPU", 0) or 0),
            memory_bytes=int(info.get("MemTotal", 0) or 0),
            containers=int(info.get("Containers", 0) or 0),
            containers_running=int(info.get("ContainersRunning", 0) or 0),
            containers_paused=int(info.get("ContainersPaused", 0) or 0),
            containers_stopped=int(info.get("ContainersStopped", 0) or 0),
            images=int(info.get("Images", 0) or 0),
            root_dir=str(info.get("DockerRootDir", "")),
        )


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
class RestartPolicy:
    """What the engine does when the container's main process ends."""

    name: str = "no"
    max_retries: int = 0

    @classmethod
    def from_api(cls, data: object) -> RestartPolicy:
        if not isinstance(data, dict):
            return cls()
        return cls(
            name=str(data.get("Name") or "no"), max_retries=int(data.get("MaximumRetryCount") or 0)
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


@dataclass(frozen=True)
class ImageSummary:
    """One local image: its ID, every tag and repo digest it has, and its size."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size: int
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    containers: int = -1

    @property
    def short_id(self) -> str:
        return self.id.removeprefix("sha256:")[:12]

    @property
    def dangling(self) -> bool:
        return not self.repo_tags

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImageSummary:
        tags = tuple(t for t in data.get("RepoTags") or [] if t != "<none>:<none>")
        digests = tuple(d for d in data.get("RepoDigests") or [] if d != "<none>@<none>")
        return cls(
            id=str(data.get("Id", "")),
            repo_tags=tags,
            repo_digests=digests,
            size=int(data.get("Size", 0) or 0),
            created=parse_time(data.get("Created")),
            labels=labels_of(data.get("Labels")),
            containers=int(data.get("Containers", -1)),
        )
