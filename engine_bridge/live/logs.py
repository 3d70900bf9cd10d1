"""A container's log as the engine streams it: followed as batches of lines, or written
whole to a file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from docker.types.daemon import CancellableStream

from engine_bridge import sdk
from engine_bridge.streams.log_lines import LogDecoder, LogLine

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge
    from engine_bridge.live.reader import StreamReader


def container_log(
    bridge: EngineBridge,
    container_id: str,
    *,
    tty: bool,
    follow: bool = True,
    tail: int | None = None,
    since: str | None = None,
    timestamps: bool = True,
    source: str = "",
) -> StreamReader[list[LogLine]]:
    """A container's log, as batches of lines (one batch for each piece the engine sent).

    `tail` None means every line; `since` is what the engine takes (seconds.nanos);
    `source` marks each line with the container it came from.
    """

    def open_source(client: Any) -> Any:
        response = sdk.logs_response(client, container_id, follow, tail, since, timestamps)
        decoder = LogDecoder(tty, timestamps, source)

        def batches() -> Iterator[list[LogLine]]:
            for block in sdk.body_blocks(response):
                lines = decoder.feed(block)
                if lines:
                    yield lines
            last = decoder.finish()
            if last:
                yield last

        return CancellableStream(batches(), response)

    return bridge.stream(f"logs:{container_id[:12]}", open_source)


async def export_container_log(
    bridge: EngineBridge, container_id: str, path: str, *, tty: bool, cancel: threading.Event
) -> int:
    """Write the whole log to `path`, streamed from the engine to disk; returns the lines.

    Setting `cancel` stops it between two pieces; the file then holds what came so far.
    """

    def export(client: Any) -> int:
        response = sdk.logs_response(client, container_id, False, None, None, False)
        decoder = LogDecoder(tty, timestamps=False)
        written = 0
        try:
            with open(path, "w", encoding="utf-8") as out:
                for block in sdk.body_blocks(response):
                    if cancel.is_set():
                        break
                    lines = decoder.feed(block)
                    out.writelines(f"{line.text}\n" for line in lines)
                    written += len(lines)
                else:
                    lines = decoder.finish()
                    out.writelines(f"{line.text}\n" for line in lines)
                    written += len(lines)
        finally:
            response.close()
        return written

    return await bridge.call(export, bridge.sdk_client)
