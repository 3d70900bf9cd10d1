"""Volumes: what a volume is as the app sees it, how it is read, and how EngineState follows
it (keyed by name: a volume has no other ID)."""

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

NAME = "volume"


@dataclass(frozen=True)
class VolumeSummary:
    """One named or anonymous volume."""

    name: str
    driver: str
    mountpoint: str
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    scope: str = "local"

    @property
    def id(self) -> str:
        return self.name

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> VolumeSummary:
        return cls(
            name=str(data.get("Name", "")),
            driver=str(data.get("Driver", "")),
            mountpoint=str(data.get("Mountpoint", "")),
            created=parse_time(data.get("CreatedAt")),
            labels=labels_of(data.get("Labels")),
            scope=str(data.get("Scope", "local")),
        )


async def list_volumes(bridge: EngineBridge) -> list[VolumeSummary]:
    """Every volume, as `docker volume ls` lists them."""
    data = await bridge.call(bridge.client.api.volumes)
    return [VolumeSummary.from_api(row) for row in (data or {}).get("Volumes") or []]


async def volume(bridge: EngineBridge, name: str) -> VolumeSummary | None:
    """One volume; None when there is none by that name."""
    try:
        return VolumeSummary.from_api(await bridge.call(bridge.client.api.inspect_volume, name))
    except EngineError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return None
        raise


KIND = Kind(NAME, key=lambda v: str(v.name), list_all=list_volumes, fetch=volume)
