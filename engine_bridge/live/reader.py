"""A blocking engine stream read on its own thread and consumed as an async iterator.

The worker thread opens the source (an HTTP response from the SDK), reads items and posts
them into a bounded queue; the loop is woken with `call_soon_threadsafe`. `aclose()` closes
the source from the loop, which shuts its socket, so the blocked read returns and the thread
ends at once. Nothing is left running after `aclose()` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_DONE = object()


class Source(Protocol[T_co]):
    """What a stream reads: an iterator that can be closed from another thread."""

    def __iter__(self) -> Iterator[T_co]: ...

    def close(self) -> None: ...


class StreamReader(Generic[T]):
    """Items of one engine stream, read by a worker thread.

    `open_source` runs on the worker thread and returns the `Source`. `explain` turns the
    worker's exception into the one the consumer sees. At most `max_pending` items wait in
    the queue; past that the worker waits, which slows the engine's sender, not the UI.

    With a `sink`, items are not queued: the worker hands each one to `sink` itself, and
    the loop is not woken per item (for slow, steady streams such as stats, whose readers
    look at the result on their own schedule). `ended()` then waits for the end.
    """

    close_wait = 2.0  # seconds aclose() waits for a worker that is still opening its source

    def __init__(
        self,
        open_source: Callable[[], Source[T]],
        *,
        name: str,
        explain: Callable[[BaseException], BaseException] = lambda exc: exc,
        max_pending: int = 10_000,
        sink: Callable[[T], None] | None = None,
    ) -> None:
        self._open_source = open_source
        self._sink = sink
        self._explain = explain
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_pending)
        self._closing = threading.Event()
        self._waiting = threading.Event()
        self._source: Source[T] | None = None
        self._source_lock = threading.Lock()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._opened: asyncio.Future[None] | None = None
        self._finished: asyncio.Future[None] | None = None
        self.thread = threading.Thread(target=self._work, name=f"stream:{name}", daemon=True)

    # --- the loop's side -------------------------------------------------------------

    def start(self) -> StreamReader[T]:
        """Start the worker; call from the event loop. Returns self for chaining."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._wakeup = asyncio.Event()
        self._opened = loop.create_future()
        # Whoever awaits opened() sees the error; nobody has to, so never log it as lost.
        self._opened.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._finished = loop.create_future()
        self.thread.start()
        return self

    async def opened(self) -> None:
        """Wait until the engine has answered the request, or raise why it did not."""
        assert self._opened is not None, "start() first"
        await asyncio.shield(self._opened)

    async def ended(self) -> None:
        """Wait until the stream has ended; raise why, if it failed (for `sink` readers)."""
        assert self._finished is not None, "start() first"
        await asyncio.shield(self._finished)
        if self._error is not None and not self._closing.is_set():
            raise self._explain(self._error)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for batch in self.batches():
            for item in batch:
                yield item

    async def batches(self, max_items: int = 5_000) -> AsyncIterator[list[T]]:
        """Everything that arrived since the last batch, at most `max_items` at a time."""
        assert self._wakeup is not None, "start() first"
        while True:
            self._wakeup.clear()
            batch: list[T] = []
            ended = False
            while len(batch) < max_items:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _DONE:
                    ended = True
                    break
                batch.append(item)  # type: ignore[arg-type]  # only T and _DONE are queued
            if batch:
                yield batch
            if self._closing.is_set() and not batch:
                return  # closed by someone else while this consumer waited
            if ended:
                if self._error is not None and not self._closing.is_set():
                    raise self._explain(self._error)
                return
            if not batch:
                # Say that we wait before looking once more, so no wake-up is lost.
                self._waiting.set()
                if self._queue.empty():
                    await self._wakeup.wait()
                self._waiting.clear()

    async def aclose(self) -> None:
        """Close the source and wait for the worker thread to end."""
        self._closing.set()
        with self._source_lock:
            source = self._source
        if source is not None:
            with contextlib.suppress(Exception):
                source.close()
        self._drain()
        if self._wakeup is not None:
            self._wakeup.set()  # a consumer still waiting for items learns that none will come
        if self._finished is not None:
            # A worker still waiting for an engine that never answered has no socket to close
            # yet: it is a daemon thread, left to end when its request times out. A close
            # that is itself cancelled says so: swallowing that kept a stopped engine's
            # follower going (Python 3.11's wait_for also lost such cancellations).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.close_wait):
                    await asyncio.shield(self._finished)
            if self._finished.done():
                # The worker has posted its last act; joining waits microseconds, not a read.
                self.thread.join(timeout=1.0)

    # --- the worker's side -----------------------------------------------------------

    def _work(self) -> None:
        try:
            source = self._open_source()
            with self._source_lock:
                self._source = source
            if self._closing.is_set():
                source.close()
                return
            self._signal(self._opened, None)
            sink = self._sink
            for item in source:
                if self._closing.is_set():
                    break
                if sink is not None:
                    sink(item)
                elif not self._put(item):
                    break
        except BaseException as exc:  # handed to the consumer, not lost
            if not self._closing.is_set():
                self._error = exc
                self._signal(self._opened, exc)
        finally:
            self._signal(self._opened, None)
            self._put(_DONE, force=True)
            self._signal(self._finished, None)

    def _put(self, item: object, force: bool = False) -> bool:
        while not self._closing.is_set() or force:
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                if force:
                    self._drain()
                continue
            self._wake()
            return True
        return False

    def _drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()

    def _wake(self) -> None:
        # Only a consumer that waits needs waking: one wake-up per item would cost a system
        # call for each of a million log pieces.
        if not self._waiting.is_set():
            return
        self._waiting.clear()
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wakeup.set)

    def _signal(self, future: asyncio.Future[None] | None, error: BaseException | None) -> None:
        loop = self._loop
        if future is None or loop is None or loop.is_closed():
            return

        def settle() -> None:
            if future.done():
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(self._explain(error))

        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle)
