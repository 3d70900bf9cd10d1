"""Images as EngineState follows them: any image event lists them again, since image events
name tags and digests as often as IDs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine_bridge.dto import ImageSummary
from engine_bridge.resources import Kind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engine_bridge.bridge import EngineBridge

NAME = "image"


async def _list(bridge: EngineBridge) -> Sequence[ImageSummary]:
    return await bridge.list_images()


KIND = Kind(NAME, key=lambda i: str(i.id), list_all=_list)
