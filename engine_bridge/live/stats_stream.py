"""A container's live readings as the engine streams them (`docker stats`), one at a time
or as a stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from docker.types.daemon import CancellableStream

from engine_bridge import sdk
from engine_bridge.streams.stats import StatsSample, has_cpu_delta, is_reading
from engine_bridge.streams.stats import sample as stats_sample

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge
    from engine_bridge.live.reader import StreamReader


async def stats_once(bridge: EngineBridge, container_id: str) -> StatsSample:
    """One reading, as `docker stats --no-stream` takes it (the engine waits for two
    samples, so the CPU figure covers the time between them)."""
    data = await bridge.call(bridge.sdk_client.api.stats, container_id, stream=False)
    return stats_sample(data)


async def stats_response(bridge: EngineBridge, container_id: str) -> Any:
    """The open HTTP response of a container's stats stream, for a reader of many streams
    (StatsHub); whoever gets it closes it. When the caller is cancelled while the engine is
    still answering (the list scrolled on, the window closed), the response is closed as
    soon as it arrives: nobody else would, and its socket would be left to the collector."""
    opening = asyncio.ensure_future(
        bridge.call(sdk.stats_response, bridge.sdk_client, container_id)
    )
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        _unwanted.add(opening)  # kept until the engine answers, then closed
        opening.add_done_callback(_close_unwanted)
        raise


_unwanted: set[asyncio.Future[Any]] = set()


def _close_unwanted(opening: asyncio.Future[Any]) -> None:
    _unwanted.discard(opening)
    if not opening.cancelled() and opening.exception() is None:
        with contextlib.suppress(Exception):
            opening.result().close()


def stats_stream(
    bridge: EngineBridge, container_id: str, sink: Callable[[StatsSample], None] | None = None
) -> StreamReader[StatsSample]:
    """A running container's readings, one a second, as `docker stats` streams them; handed
    to `sink` on the reading thread when one is given.

    The stream ends when the container stops (the engine then sends only empty documents,
    which would otherwise go on for ever). The first document is left out: it has no CPU
    figure yet.
    """

    def open_source(client: Any) -> Any:
        response = sdk.stats_response(client, container_id)

        def readings() -> Iterator[StatsSample]:
            pending = b""
            for block in sdk.body_blocks(response):
                *documents, pending = (pending + block).split(b"\n")
                for document in documents:
                    if not document.strip():
                        continue
                    data = json.loads(document)
                    if not is_reading(data):
                        return
                    if has_cpu_delta(data):
                        yield stats_sample(data)

        return CancellableStream(readings(), response)

    return bridge.stream(f"stats:{container_id[:12]}", open_source, sink)
