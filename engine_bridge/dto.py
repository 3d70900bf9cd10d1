"""What every kind's snapshots share: engine timestamps, labels, the Compose labels, and the
restart policy (which people also type, so `specs` reads it too), and what an engine says
of itself at connect (which the bridge keeps). Pure: no I/O.

Each kind's own snapshots live with the kind, in engine_bridge/resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
