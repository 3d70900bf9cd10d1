"""Images: how they are read and acted on, and how EngineState follows them (any image event
lists them again, since image events name tags and digests as often as IDs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine_bridge.resources import Kind
from engine_bridge.resources.images.actions import (
    load_image,
    log_in,
    log_out,
    prune_images,
    pull_image,
    push_image,
    remove_image,
    save_image,
    tag_image,
)
from engine_bridge.resources.images.reads import (
    image_layers,
    images_disk_usage,
    inspect_image,
    list_images,
    registry_manifest,
)
from engine_bridge.resources.images.summary import ImageSummary

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

NAME = "image"


async def _list(bridge: EngineBridge) -> Sequence[ImageSummary]:
    return await list_images(bridge)


KIND = Kind(NAME, key=lambda i: str(i.id), list_all=_list)

__all__ = [
    "KIND", "NAME", "ImageSummary", "image_layers", "images_disk_usage", "inspect_image",
    "list_images", "load_image", "log_in", "log_out", "prune_images", "pull_image",
    "push_image", "registry_manifest", "remove_image", "save_image", "tag_image",
]  # fmt: skip
