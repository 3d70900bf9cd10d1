"""StatsWatch: live stats for exactly the containers someone looks at, and their history.

A stats stream costs the engine a cgroup read a second and us a JSON document a second, so
the watch streams only the containers it is told to (`watch(ids)`), stops the others at
once, and starts a stream again when a watched container starts again. Readings land in a
bounded `StatsHistory` per container, kept while the app runs and dropped with the
container (`forget`). The reading threads write the histories themselves and consumers do
not get a callback per reading: they look at `version` when they redraw, which keeps a
hundred streams from waking the UI a hundred times a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable

from engine_bridge.bridge import EngineBridge
from engine_bridge.errors import EngineError
from engine_bridge.live.reader import StreamReader
from engine_bridge.live.stats_hub import HubStream, StatsHub
from engine_bridge.live.stats_stream import stats_response, stats_stream
from engine_bridge.streams.stats import StatsSample
from engine_bridge.streams.stats_history import DEFAULT_CAPACITY, StatsHistory

log = logging.getLogger(__name__)


class StatsWatch:
    """Streams stats for the watched containers of one engine.

    Attributes: `version` (grows with every reading kept), `histories` (container id to
    StatsHistory, for every container watched since it was last forgotten).
    """

    def __init__(self, bridge: EngineBridge, *, capacity: int = DEFAULT_CAPACITY) -> None:
        self._bridge = bridge
        self._capacity = capacity
        self._wanted: frozenset[str] = frozenset()
        self._feeds: dict[str, asyncio.Task[None]] = {}
        self._stopping: set[asyncio.Task[None]] = set()
        self._closed = False
        self._hub: StatsHub | None = None
        self.version = 0
        self._version_lock = threading.Lock()
        self.histories: dict[str, StatsHistory] = {}

    @property
    def streaming(self) -> frozenset[str]:
        """The containers whose stream is open right now."""
        return frozenset(self._feeds)

    def watch(self, container_ids: Iterable[str]) -> None:
        """Stream exactly these running containers from now on (call from the loop)."""
        if self._closed:
            return
        self._wanted = frozenset(container_ids)
        for container_id in list(self._feeds):
            if container_id not in self._wanted:
                self._stop(container_id)
        for container_id in self._wanted - self._feeds.keys():
            self._feeds[container_id] = asyncio.ensure_future(self._follow(container_id))

    def history(self, container_id: str) -> StatsHistory | None:
        return self.histories.get(container_id)

    def forget(self, container_id: str) -> None:
        """The container is gone: stop its stream and drop its history."""
        self._stop(container_id)
        self.histories.pop(container_id, None)

    async def settled(self) -> None:
        """Wait until every stream that was asked to stop has stopped."""
        while self._stopping:
            await asyncio.gather(*self._stopping, return_exceptions=True)

    async def close(self) -> None:
        self._closed = True
        for container_id in list(self._feeds):
            self._stop(container_id)
        await self.settled()
        if self._hub is not None:
            self._hub.close()
            self._hub = None

    def _stop(self, container_id: str) -> None:
        feed = self._feeds.pop(container_id, None)
        if feed is not None and not feed.done():
            feed.cancel()
            self._stopping.add(feed)
            feed.add_done_callback(self._stopping.discard)

    async def _follow(self, container_id: str) -> None:
        history = self.histories.get(container_id)
        if history is None:
            history = self.histories[container_id] = StatsHistory(self._capacity)

        def keep(reading: StatsSample) -> None:  # on a reading thread
            if history.add(reading, time.time()):
                with self._version_lock:
                    self.version += 1

        try:
            if not await self._follow_on_hub(container_id, keep):
                await self._follow_on_thread(container_id, keep)
        except EngineError as exc:
            # The container stopped or went away between the list and the request.
            log.debug("stats of %s ended: %s", container_id[:12], exc)
        finally:
            if self._feeds.get(container_id) is asyncio.current_task():
                del self._feeds[container_id]

    async def _follow_on_hub(self, container_id: str, keep: Callable[[StatsSample], None]) -> bool:
        """Read the stream on the shared hub thread; False when its connection cannot be."""
        response = await stats_response(self._bridge, container_id)
        if self._hub is None:
            self._hub = StatsHub()
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[BaseException | None] = loop.create_future()

        def end(error: BaseException | None) -> None:  # on the hub's thread
            def settle() -> None:
                if not ended.done():
                    ended.set_result(error)

            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle)

        stream: HubStream | None = self._hub.add(container_id, response, keep, end)
        if stream is None:
            response.close()
            return False
        try:
            error = await asyncio.shield(ended)
        except asyncio.CancelledError:
            self._hub.remove(stream)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await asyncio.shield(ended)
            raise
        if error is not None:
            raise self._bridge.explain(error)
        return True

    async def _follow_on_thread(
        self, container_id: str, keep: Callable[[StatsSample], None]
    ) -> None:
        reader: StreamReader[StatsSample] | None = None
        try:
            reader = stats_stream(self._bridge, container_id, sink=keep)
            await reader.ended()
        finally:
            if reader is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._bridge.close_stream(reader))
