"""The stream reader with an in-memory source: batches, errors, and closing mid-stream."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from engine_bridge.live.reader import StreamReader


class EndlessSource:
    """Blocks between items like a socket read; close() unblocks it, as a shutdown does."""

    def __init__(self) -> None:
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[int]:
        n = 0
        while not self.closed.wait(0.001):
            n += 1
            yield n

    def close(self) -> None:
        self.closed.set()


class FailingSource:
    def __iter__(self) -> Iterator[int]:
        yield 1
        raise ConnectionResetError("peer went away")

    def close(self) -> None:
        pass


def test_items_arrive_in_order_and_close_ends_the_thread() -> None:
    source = EndlessSource()

    async def scenario() -> list[int]:
        reader = StreamReader(lambda: source, name="test", max_pending=10).start()
        await reader.opened()
        seen: list[int] = []
        async for item in reader:
            seen.append(item)
            if len(seen) == 50:
                break
        await reader.aclose()
        assert not reader.thread.is_alive()
        return seen

    assert asyncio.run(scenario()) == list(range(1, 51))
    assert source.closed.is_set()


def test_worker_error_reaches_the_consumer_explained() -> None:
    async def scenario() -> list[int]:
        reader = StreamReader(
            FailingSource, name="test", explain=lambda exc: RuntimeError(f"explained: {exc}")
        ).start()
        seen: list[int] = []

        async def consume() -> None:
            async for item in reader:
                seen.append(item)

        with pytest.raises(RuntimeError, match="explained: peer went away"):
            await consume()
        await reader.aclose()
        return seen

    assert asyncio.run(scenario()) == [1]


def test_open_failure_is_raised_by_opened() -> None:
    def refuse() -> EndlessSource:
        raise FileNotFoundError("no socket")

    async def scenario() -> None:
        reader = StreamReader(refuse, name="test").start()
        with pytest.raises(FileNotFoundError):
            await reader.opened()
        await reader.aclose()

    asyncio.run(scenario())


def test_a_cancelled_close_is_cancelled_not_swallowed() -> None:
    """Stopping whoever closes a stream stops it: a close that kept the cancellation to
    itself let an engine's follower, stopped during its close, wait for ever."""
    hung = threading.Event()

    def never_opens() -> EndlessSource:
        hung.wait(10)  # an engine that took the connection and never answers
        return EndlessSource()

    async def scenario() -> tuple[bool, float]:
        reader = StreamReader(never_opens, name="test")
        reader.close_wait = 5.0
        reader.start()
        closing = asyncio.create_task(reader.aclose())
        await asyncio.sleep(0.1)
        began = asyncio.get_running_loop().time()
        closing.cancel()
        await asyncio.gather(closing, return_exceptions=True)
        return closing.cancelled(), asyncio.get_running_loop().time() - began

    try:
        cancelled, took = asyncio.run(scenario())
    finally:
        hung.set()
    assert cancelled
    assert took < 1.0
