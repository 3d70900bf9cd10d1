"""A volume as the app sees it: one row of `docker volume ls`, with what inspect and the
engine's disk usage add. A volume has no ID: its name is its key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine_bridge.dto import COMPOSE_PROJECT, labels_of, parse_time

# Since Engine API 1.42 the engine marks the volumes it names itself; older engines give
# them a random 64-digit hex name and no mark.
ANONYMOUS_LABEL = "com.docker.volume.anonymous"
_RANDOM_NAME = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class VolumeSummary:
    """One named or anonymous volume."""

    name: str
    driver: str
    mountpoint: str
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    scope: str = "local"
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.name

    @property
    def anonymous(self) -> bool:
        """Made by the engine for a container (`-v /data`, an image's VOLUME), not named by
        anyone."""
        return ANONYMOUS_LABEL in self.labels or bool(_RANDOM_NAME.fullmatch(self.name))

    @property
    def compose_project(self) -> str | None:
        return self.labels.get(COMPOSE_PROJECT)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> VolumeSummary:
        return cls(
            name=str(data.get("Name", "")),
            driver=str(data.get("Driver", "")),
            mountpoint=str(data.get("Mountpoint", "")),
            created=parse_time(data.get("CreatedAt")),
            labels=labels_of(data.get("Labels")),
            scope=str(data.get("Scope", "local")),
            options=labels_of(data.get("Options")),
        )


@dataclass(frozen=True)
class VolumeUsage:
    """What the engine's disk usage says of one volume: its size in bytes (-1: the driver
    cannot tell) and how many containers, running or not, mount it."""

    size: int
    containers: int
