"""How containers are read: listed as `docker ps -a` lists them, one with its inspect
details, what `docker inspect` and `docker top` say, and the `docker run` options that would
make one like it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.resources.containers.summary import ContainerSummary
from engine_bridge.resources.images.reads import inspect_image

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge
    from engine_bridge.specs.container_config import Blueprint
    from engine_bridge.specs.run_spec import RunSpec


async def list_containers(bridge: EngineBridge, all: bool = True) -> list[ContainerSummary]:
    """The containers as `docker ps -a` (or without `all`, `docker ps`) lists them."""
    rows = await bridge.call(bridge.sdk_client.api.containers, all=all)
    return [ContainerSummary.from_api(row) for row in rows]


async def container(
    bridge: EngineBridge, container_id: str, details: bool = True
) -> ContainerSummary | None:
    """One container as `docker ps -a` shows it, with inspect details; None when gone."""
    rows = await bridge.call(
        bridge.sdk_client.api.containers, all=True, filters={"id": container_id}
    )
    row = next((r for r in rows if str(r.get("Id", "")) == container_id), None)
    if row is None and rows and len(container_id) < 64:
        row = rows[0]
    if row is None:
        return None
    summary = ContainerSummary.from_api(row)
    if not details:
        return summary
    try:
        return summary.with_details(await inspect_container(bridge, summary.id))
    except EngineError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return None
        raise


async def inspect_container(bridge: EngineBridge, container_id: str) -> dict[str, Any]:
    """What `docker inspect` says of a container (by ID or name)."""
    data: dict[str, Any] = await bridge.call(bridge.sdk_client.api.inspect_container, container_id)
    return data


async def blueprint_of_container(bridge: EngineBridge, container_id: str) -> Blueprint:
    """Everything that makes a container like this one: its whole configuration as the
    engine reports it, and what the Run dialog shows of it."""
    from engine_bridge.specs.container_config import blueprint_of  # not needed at start-up

    found = await inspect_container(bridge, container_id)
    return blueprint_of(found, await _image_of(bridge, found))


async def _image_of(bridge: EngineBridge, found: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return await inspect_image(bridge, str(found.get("Image")))
    except EngineError as exc:
        if exc.kind not in (ErrorKind.NOT_FOUND, ErrorKind.IMAGE_NOT_FOUND):
            raise
        return None  # its image was removed: every option is then written out


async def run_spec_of(bridge: EngineBridge, container_id: str) -> RunSpec:
    """The `docker run` options that make a container like this one."""
    from engine_bridge.specs.run_spec import from_inspect  # not needed at start-up

    found = await inspect_container(bridge, container_id)
    return from_inspect(found, await _image_of(bridge, found))


async def container_processes(
    bridge: EngineBridge, container_id: str
) -> tuple[list[str], list[list[str]]]:
    """The container's processes as `docker top` shows them: titles and rows."""
    data = await bridge.call(bridge.sdk_client.api.top, container_id)
    return list(data.get("Titles") or []), [list(p) for p in data.get("Processes") or []]
