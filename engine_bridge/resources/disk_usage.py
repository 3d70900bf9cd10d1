"""The engine's disk usage document (`docker system df -v`), read once for every kind.

Images and volumes both take their sizes from it, and the engine works it out by walking
every layer and every volume: seconds on a big engine. Engines before API 1.42 run one at a
time and refuse a second while the first goes on, even when the first was asked for by a
client that has since gone away. So every reader in this app joins the read already under
way, and a read the engine refuses for that reason waits for the engine's own and asks again.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from engine_bridge.errors import EngineError, ErrorKind

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

# How long to keep asking while the engine is busy with a disk usage this app did not start.
BUSY_PATIENCE = 120.0
_BUSY_PAUSE = 0.5

_under_way: weakref.WeakKeyDictionary[EngineBridge, asyncio.Future[dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


async def disk_usage(bridge: EngineBridge, patience: float = BUSY_PATIENCE) -> dict[str, Any]:
    """The engine's disk usage document; joins a read of it already under way."""
    running = _under_way.get(bridge)
    if running is None:
        running = asyncio.ensure_future(_read(bridge, patience))
        _under_way[bridge] = running

        def finished(done: asyncio.Future[dict[str, Any]]) -> None:
            if _under_way.get(bridge) is done:
                del _under_way[bridge]  # the next reader asks anew; the document is not kept
            if not done.cancelled():
                done.exception()  # every reader may have gone: the error was theirs to see

        running.add_done_callback(finished)
    # One reader going away (a pane closed) does not end the read the others wait for.
    return await asyncio.shield(running)


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
