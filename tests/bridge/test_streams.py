"""Closing a stream closes its HTTP response: the worker thread ends at once, even while
the engine is sending nothing (events) or sending without pause (a chatty container's logs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from engine_bridge.bridge import EngineBridge
from tests.engine_support import EngineUnderTest


def test_closing_streams_ends_their_threads(
    test_engine: EngineUnderTest,
    busybox_image: str,
    cli: Callable[..., Any],
    label: list[str],
    name: str,
    arun: Any,
) -> None:
    cli("run", "-d", *label, "--name", name, busybox_image, "sh", "-c", "yes hello")

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            quiet = bridge.events()
            await quiet.opened()
            chatty = bridge.stream(
                "logs", lambda c: c.api.logs(name, stream=True, follow=True, tail=10)
            )
            await chatty.opened()
            received = 0
            async for batch in chatty.batches():
                received += len(batch)
                if received > 100:
                    break
            for reader in (quiet, chatty):
                started = time.monotonic()
                await bridge.close_stream(reader)
                assert not reader.thread.is_alive()
                assert time.monotonic() - started < 1.0
        finally:
            await bridge.close()

    arun(scenario())
    cli("rm", "-f", name)
