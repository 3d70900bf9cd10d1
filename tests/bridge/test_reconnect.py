"""When the bundled engine stops, the store says the engine is lost; when it is back, the
store reconnects by itself and lists everything again."""

from __future__ import annotations

from typing import Any

from engine_bridge.blocking import run_blocking
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.errors import ErrorKind
from engine_bridge.state import Connection, ConnectionChange
from tests.bridge.helpers import docker_async, live_state, until
from tests.engine_support import EngineUnderTest


def test_reconnects_after_the_bundled_engine_restarts(
    test_engine: EngineUnderTest,
    bundled_engine: BundledEngine,
    busybox_image: str,
    label: list[str],
    name: str,
    arun: Any,
) -> None:
    bundled = bundled_engine

    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (_bridge, state):
            seen: list[ConnectionChange] = []
            state.on_connection(seen.append)
            before = await docker_async("create", *label, "--name", name, busybox_image)
            await until(lambda: before in state.of("container"), 1.0, "container listed")
            resyncs = state.resyncs

            await run_blocking(None, bundled.stop_blocking)
            await until(lambda: state.connection.status is Connection.LOST, 5.0, "loss noticed")
            assert state.connection.error is not None
            assert state.connection.error.kind is ErrorKind.UNREACHABLE
            assert state.connection.retry_in is not None

            await run_blocking(None, bundled.start_blocking)
            await until(lambda: state.connection.status is Connection.LIVE, 30.0, "reconnected")
            assert state.resyncs == resyncs + 1
            assert before in state.of("container")

            after = await docker_async("create", *label, "--name", f"{name}-2", busybox_image)
            await until(lambda: after in state.of("container"), 1.0, "events followed again")
            statuses = [c.status for c in seen]
            assert statuses[0] is Connection.LOST
            assert statuses[-1] is Connection.LIVE

    arun(scenario())
