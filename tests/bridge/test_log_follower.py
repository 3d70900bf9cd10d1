"""LogFollower against the real engine, through a proxy that cuts the follow stream: every
line once, in order; a stop and a restart are told apart from a stream that merely ended."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.live.log_follower import Happening, LogFollower, LogNote
from tests.bridge.helpers import docker_async
from tests.engine_proxy import engine_proxy
from tests.engine_support import EngineUnderTest

FOLLOW = r"GET /v[\d.]+/containers/[^/]+/logs\?.*follow=1"


def test_every_line_once_through_cuts_stops_and_restarts(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    script = "sleep 1; seq 1 50000; sleep 2; exit 3"
    cli("run", "-d", *label, "--name", name, busybox_image, "sh", "-c", script)

    async def scenario() -> tuple[list[str], list[Happening]]:
        with engine_proxy(test_engine.endpoint.address, tmp_path / "engine.sock") as proxy:
            cut = proxy.cut(FOLLOW, after=100_000)
            bridge = EngineBridge(Endpoint("proxy", proxy.host, "proxy"))
            await bridge.connect()
            follower = LogFollower(bridge, name, tty=False)
            texts: list[str] = []
            notes: list[Happening] = []
            try:
                async with asyncio.timeout(60):
                    async for item in follower.items():
                        if isinstance(item, LogNote):
                            notes.append(item.happening)
                            if item.happening is Happening.STOPPED and len(notes) == 1:
                                await docker_async("start", name)
                                follower.container_started()
                            elif item.happening is Happening.STOPPED:
                                break
                        else:
                            texts.extend(line.text for line in item)
            finally:
                await bridge.close()
            assert cut.hits == 1
            return texts, notes

    texts, notes = arun(scenario())
    run = [str(n) for n in range(1, 50_001)]
    assert texts == run + run, "both runs, every line once, though the first stream was cut"
    assert notes == [Happening.STOPPED, Happening.STARTED, Happening.STOPPED]


def test_an_engine_lost_before_the_read_is_waited_out(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sh", "-c", "echo one; sleep 300")

    async def scenario() -> list[Any]:
        with engine_proxy(test_engine.endpoint.address, tmp_path / "engine.sock") as proxy:
            bridge = EngineBridge(Endpoint("proxy", proxy.host, "proxy"))
            await bridge.connect()
            follower = LogFollower(bridge, name, tty=False)
            await bridge.disconnect()  # as the state does while the engine is away
            seen: list[Any] = []
            try:
                async with asyncio.timeout(30):
                    async for item in follower.items():
                        seen.append(item.happening if isinstance(item, LogNote) else
                                    [line.text for line in item])  # fmt: skip
                        if isinstance(item, list):
                            break
                        if isinstance(item, LogNote) and item.happening is Happening.ENGINE_LOST:
                            await bridge.ensure_client()  # the engine is back
            finally:
                await bridge.close()
            return seen

    assert arun(scenario()) == [Happening.ENGINE_LOST, Happening.ENGINE_BACK, ["one"]]
