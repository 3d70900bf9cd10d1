"""The engine's disk usage document (`docker system df -v`), read for every kind.

Images and volumes both take their sizes from it, and the engine works it out by walking
every layer and every volume: seconds on a big engine. Engines before API 1.42 run one at a
time and refuse a second while the first goes on, even when the first was asked for by a
client that has since gone away. So the app never asks twice at once: a reader arriving while
a read is under way waits for it to end and then shares the next read with every other reader
that arrived meanwhile (the one under way may have started before what they want to see), and
a read the engine refuses because another client's is running waits and asks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import TYPE_CHECKING, Any

from engine_bridge.errors import EngineError, ErrorKind

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

# How long to keep asking while the engine is busy with a disk usage this app did not start.
BUSY_PATIENCE = 120.0
_BUSY_PAUSE = 0.5

Reading = asyncio.Future[dict[str, Any]]
_under_way: weakref.WeakKeyDictionary[EngineBridge, Reading] = weakref.WeakKeyDictionary()
_queued: weakref.WeakKeyDictionary[EngineBridge, Reading] = weakref.WeakKeyDictionary()


async def disk_usage(bridge: EngineBridge, patience: float = BUSY_PATIENCE) -> dict[str, Any]:
    """The engine's disk usage document, read after this call was made."""
    current = _under_way.get(bridge)
    if current is None:
        reading: Reading = asyncio.ensure_future(_read(bridge, patience))
        _keep(_under_way, bridge, reading)
    else:
        reading = _queued.get(bridge) or _queue(bridge, current, patience)
    # One reader going away (a pane closed) does not end the read the others wait for.
    return await asyncio.shield(reading)


def _queue(bridge: EngineBridge, current: Reading, patience: float) -> Reading:
    async def after() -> dict[str, Any]:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.shield(current)  # its figures may be older than the callers want
        _queued.pop(bridge, None)
        _keep(_under_way, bridge, task)  # the read under way now: later callers queue again
        return await _read(bridge, patience)

    task: Reading = asyncio.ensure_future(after())
    _keep(_queued, bridge, task)
    return task


def _keep(table: weakref.WeakKeyDictionary[EngineBridge, Reading], bridge: EngineBridge,
          reading: Reading) -> None:  # fmt: skip
    table[bridge] = reading

    def finished(done: Reading) -> None:
        if table.get(bridge) is done:
            del table[bridge]  # the next reader asks anew; the document is not kept
        if not done.cancelled():
            done.exception()  # every reader may have gone: the error was theirs to see

    reading.add_done_callback(finished)


async def _read(bridge: EngineBridge, patience: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while True:
        try:
            data: dict[str, Any] = await bridge.call_long(bridge.sdk_client.api.df)
            return data or {}
        except EngineError as exc:
            if exc.kind is not ErrorKind.BUSY or loop.time() >= deadline:
                raise
        await asyncio.sleep(_BUSY_PAUSE)
