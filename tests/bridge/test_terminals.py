"""Exec terminals against the real engine: an idle one stays open however long the client's
own timeout is, and closing one ends its program in the container."""

from __future__ import annotations

import asyncio
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.live.terminals import close, exit_code, open_exec, send
from tests.engine_support import TEST_LABEL, EngineUnderTest


async def _read_until(session: Any, needle: bytes, timeout: float) -> bytes:
    seen = b""

    async def read() -> bytes:
        nonlocal seen
        async for chunk in session.output:
            seen += chunk
            if needle in seen:
                break
        return seen

    try:
        return await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        raise AssertionError(
            f"{needle!r} not within {timeout} s; the terminal showed {seen!r}"
        ) from None


def test_an_idle_terminal_outlives_the_clients_timeout_and_closing_ends_it(
    test_engine: EngineUnderTest, busybox_image: str, cli: Any, name: str, arun: Any
) -> None:
    cli("run", "-d", "--label", f"{TEST_LABEL}=1", "--name", name, busybox_image, "sleep", "300")

    async def scenario() -> None:
        # A two-second client timeout: before, a shell quiet for that long was taken as ended.
        bridge = EngineBridge(test_engine.endpoint, timeout=2)
        await bridge.connect()
        try:
            session = await open_exec(bridge, name, ["sh"], "", 24, 80)
            first = await _read_until(session, b"\x1b[6n", 10)  # the prompt asks for the cursor
            assert b"7770" not in first  # the process ID's marker is taken out
            await send(bridge, session, b"\x1b[1;5R")  # and a terminal answers
            assert session.pid is not None
            await asyncio.sleep(4)
            await send(bridge, session, b"echo still-$((40+2))\n")
            assert b"still-42" in await _read_until(session, b"still-42", 10)
            assert await exit_code(bridge, session) is None  # running
            assert await close(bridge, session) is True
            data = await bridge.call(bridge.sdk_client.api.exec_inspect, session.exec_id)
            assert data["Running"] is False
        finally:
            await bridge.close()

    arun(scenario())
    processes = cli("top", name).stdout
    assert " sh" not in processes.replace("sleep", "")
