"""Reading volumes: the list, one volume, its inspect document, and their sizes (which the
engine works out by walking every volume, so they are asked for separately)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.resources.disk_usage import disk_usage
from engine_bridge.resources.volumes.summary import VolumeSummary, VolumeUsage

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge


async def list_volumes(bridge: EngineBridge) -> list[VolumeSummary]:
    """Every volume, as `docker volume ls` lists them."""
    data = await bridge.call(bridge.sdk_client.api.volumes)
    return [VolumeSummary.from_api(row) for row in (data or {}).get("Volumes") or []]


async def inspect_volume(bridge: EngineBridge, name: str) -> dict[str, Any]:
    """`docker volume inspect`, as the engine says it."""
    data: dict[str, Any] = await bridge.call(bridge.sdk_client.api.inspect_volume, name)
    return data


async def volume(bridge: EngineBridge, name: str) -> VolumeSummary | None:
    """One volume; None when there is none by that name."""
    try:
        return VolumeSummary.from_api(await inspect_volume(bridge, name))
    except EngineError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return None
        raise


def usage_of(df: dict[str, Any]) -> dict[str, VolumeUsage]:
    """Per volume name, from the engine's disk usage document."""
    found: dict[str, VolumeUsage] = {}
    for row in (df or {}).get("Volumes") or []:
        data = row.get("UsageData") or {}
        found[str(row.get("Name", ""))] = VolumeUsage(
            size=int(data.get("Size", -1)), containers=int(data.get("RefCount", 0))
        )
    return found


async def volumes_disk_usage(bridge: EngineBridge) -> dict[str, VolumeUsage]:
    """Every volume's size and how many containers mount it (`docker system df -v`).

    The engine walks every file of every volume for this: seconds on a big engine."""
    return usage_of(await disk_usage(bridge))
