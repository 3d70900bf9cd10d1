"""Reading images: the list, one image's configuration, its layers (and which of them other
local images share), what a registry says of it now, and the disk each one takes."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from engine_bridge.credentials import server_address
from engine_bridge.errors import EngineError, registry_error
from engine_bridge.resources.disk_usage import disk_usage
from engine_bridge.resources.images.summary import ImageSummary
from engine_bridge.specs.image_layers import layers_of
from engine_bridge.specs.image_ref import parse_image_ref

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge
    from engine_bridge.credentials import Credentials
    from engine_bridge.specs.image_layers import ImageLayer

# Per engine: image ID -> its layers, bottom first. An image ID is the hash of a
# configuration that lists its layers, so what was read for an ID once holds for ever.
_layer_stacks: weakref.WeakKeyDictionary[EngineBridge, dict[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def _diff_ids(inspected: dict[str, Any]) -> list[str]:
    return [str(layer) for layer in (inspected.get("RootFS") or {}).get("Layers") or []]


async def list_images(bridge: EngineBridge, all: bool = False) -> list[ImageSummary]:
    """Every image, as `docker images` lists them (`all`: with intermediate ones)."""
    rows = await bridge.call(bridge.sdk_client.api.images, all=all)
    return [ImageSummary.from_api(row) for row in rows]


async def inspect_image(bridge: EngineBridge, reference: str) -> dict[str, Any]:
    """`docker image inspect`, as the engine says it."""
    data: dict[str, Any] = await bridge.call(bridge.sdk_client.api.inspect_image, reference)
    return data


async def image_layers(bridge: EngineBridge, image_id: str) -> list[ImageLayer]:
    """An image's history paired with its layers, and which layers other local images share
    with it."""
    inspected, history, images = await asyncio.gather(
        inspect_image(bridge, image_id),
        bridge.call(bridge.sdk_client.api.history, image_id),
        list_images(bridge),
    )
    stacks = _layer_stacks.setdefault(bridge, {})
    stacks[str(inspected.get("Id"))] = _diff_ids(inspected)
    others = [i for i in images if i.id != inspected.get("Id")]
    unread = [i for i in others if i.id not in stacks]
    found = await asyncio.gather(
        *(inspect_image(bridge, i.id) for i in unread), return_exceptions=True
    )
    for image, data in zip(unread, found, strict=True):
        if isinstance(data, dict):
            stacks[image.id] = _diff_ids(data)
    present = {i.id for i in images}
    for gone in [key for key in stacks if key not in present]:
        del stacks[gone]
    by_name = {
        (image.repo_tags[0] if image.repo_tags else image.short_id): stacks[image.id]
        for image in others
        if image.id in stacks
    }
    return layers_of(history or [], _diff_ids(inspected), by_name)


async def registry_manifest(
    bridge: EngineBridge, reference: str, credentials: Credentials | None = None
) -> dict[str, Any]:
    """What the registry says of an image now: its manifest's digest, media type, size and
    platforms (`docker manifest inspect`, through the engine)."""
    ref = parse_image_ref(reference)
    config = credentials.auth_config() if credentials is not None else None
    try:
        data: dict[str, Any] = await bridge.call(
            bridge.sdk_client.api.inspect_distribution, str(ref), auth_config=config
        )
    except EngineError as exc:
        found = registry_error(exc.message, server_address(ref.registry_host))
        raise (found or exc) from exc
    return data


async def images_disk_usage(bridge: EngineBridge) -> list[dict[str, Any]]:
    """Per image: size, size shared with others, and how many containers use it
    (`docker system df -v`); takes a moment on a large engine."""
    return list((await disk_usage(bridge)).get("Images") or [])
