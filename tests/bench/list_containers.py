"""Connect-and-list of 1,000 containers: the bridge against `docker ps -a`, same engine, same run.

The bridge's figure is a fresh EngineBridge connecting (client, API version negotiation,
`docker version` and `docker info`) and listing every container into DTOs. The CLI's is the
real `docker ps -a` process, output to /dev/null. Rounds alternate between the two.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.resources.containers import list_containers
from engine_bridge.sdk import make_client
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

CONTAINERS = 1_000


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _create_containers(client: Any, count: int) -> None:
    labels = {TEST_LABEL: "1", "dockyard.bench": "list"}

    def create(i: int) -> None:
        client.api.create_container(
            BUSYBOX_IMAGE, ["sleep", "1"], name=f"dyb-list-{i:04d}", labels=labels
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(count)))


def _bridge_round(endpoint: Endpoint) -> tuple[float, int]:
    async def connect_and_list() -> int:
        bridge = EngineBridge(endpoint)
        try:
            await bridge.connect()
            return len(await list_containers(bridge))
        finally:
            await bridge.close()

    start = time.perf_counter()
    count = asyncio.run(connect_and_list())
    return time.perf_counter() - start, count


def _cli_round() -> float:
    start = time.perf_counter()
    subprocess.run(["docker", "ps", "-a"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(rounds: int) -> dict[str, object]:
    engine = ensure_engine()
    client = make_client(engine.endpoint)
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        _say(f"creating {CONTAINERS} containers on {engine.endpoint.host}...")
        _create_containers(client, CONTAINERS)
        _bridge_round(engine.endpoint)  # warm both paths once: imports, page cache
        _cli_round()
        bridge_times, cli_times, listed = [], [], 0
        for n in range(rounds):
            seconds, listed = _bridge_round(engine.endpoint)
            bridge_times.append(seconds)
            cli_times.append(_cli_round())
            _say(f"round {n + 1}: bridge {bridge_times[-1] * 1000:.1f} ms, "
                 f"docker ps -a {cli_times[-1] * 1000:.1f} ms")  # fmt: skip
        bridge_ms = statistics.median(bridge_times) * 1000
        cli_ms = statistics.median(cli_times) * 1000
        return {
            "containers": listed,
            "rounds": rounds,
            "bridge_connect_and_list_ms_median": round(bridge_ms, 1),
            "docker_ps_a_ms_median": round(cli_ms, 1),
            "ratio_bridge_to_cli": round(bridge_ms / cli_ms, 2),
            "goal_ratio_at_most": 1.0,
        }
    finally:
        _say("removing the benchmark's containers...")
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()
