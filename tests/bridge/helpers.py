"""Helpers for bridge tests: a live bridge and state store, and waiting on conditions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.state import EngineState


@asynccontextmanager
async def live_state(
    endpoint: Endpoint, backoff: tuple[float, ...] = (0.1, 0.2, 0.5)
) -> AsyncIterator[tuple[EngineBridge, EngineState]]:
    """A connected bridge and a state store that follows the engine's events."""
    bridge = EngineBridge(endpoint)
    state = EngineState(bridge, debounce=0.01, backoff=backoff)
    state.start()
    try:
        await asyncio.wait_for(state.wait_live(), 30)
        yield bridge, state
    finally:
        await state.stop()
        await bridge.close()


async def until(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    """Wait until `predicate()` holds; returns how long that took, fails after `timeout`."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.005)
    return time.monotonic() - start


async def docker_async(*args: str) -> str:
    """Run the docker CLI without blocking the loop; returns its stdout."""
    process = await asyncio.create_subprocess_exec(
        "docker", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode:
        raise AssertionError(f"docker {' '.join(args)} failed: {err.decode()}")
    return out.decode().strip()
