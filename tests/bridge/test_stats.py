"""Our stats against the real `docker stats --no-stream`, on containers that burn CPU and
hold memory."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.live.stats_stream import stats_once
from engine_bridge.live.stats_watch import StatsWatch
from tests.bridge.helpers import docker_async, live_state, until
from tests.engine_support import EngineUnderTest

MIB = 2**20


def test_cpu_and_memory_match_docker_stats(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, arun: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", f"{name}-cpu", busybox_image, "sh", "-c",
        "while :; do :; done")  # fmt: skip
    cli("run", "-d", *label, "--name", f"{name}-mem", busybox_image, "sh", "-c",
        "head -c 41943040 /dev/zero > /dev/shm/hold; sleep 300")  # fmt: skip
    cli("exec", f"{name}-mem", "ls", "/dev/shm/hold")

    async def ours() -> tuple[float, int]:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            cpu = await stats_once(bridge, f"{name}-cpu")
            memory = await stats_once(bridge, f"{name}-mem")
        finally:
            await bridge.close()
        return cpu.cpu_percent, memory.memory_bytes

    cpu, memory = arun(ours())
    out = cli("stats", "--no-stream", "--format", "{{json .}}", f"{name}-cpu", f"{name}-mem").stdout
    theirs = {row["Name"]: row for row in map(json.loads, out.splitlines())}
    their_cpu = float(theirs[f"{name}-cpu"]["CPUPerc"].rstrip("%"))
    their_memory = _bytes(theirs[f"{name}-mem"]["MemUsage"].split("/")[0])
    # One busy loop keeps one core busy: both say about 100 %, give or take scheduling.
    assert abs(cpu - their_cpu) < 15, (cpu, their_cpu)
    assert 85 < cpu < 115
    # 40 MiB held in tmpfs, plus the shell: within 5 % of what docker stats says.
    assert abs(memory - their_memory) < 0.05 * their_memory + MIB, (memory, their_memory)
    assert memory > 40 * MIB


def _bytes(text: str) -> float:
    text = text.strip()
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10), ("B", 1)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    raise ValueError(text)


def _stats_threads() -> set[str]:
    return {t.name for t in threading.enumerate()
            if t.name.startswith("stream:") and "stats" in t.name and t.is_alive()}  # fmt: skip


def test_streamed_readings_match_docker_stats_and_streams_follow_the_watch(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, arun: Any,
) -> None:  # fmt: skip
    busy = cli("run", "-d", *label, "--name", f"{name}-busy", busybox_image, "sh", "-c",
               "while :; do :; done").stdout.strip()  # fmt: skip
    idle = cli("run", "-d", *label, "--name", f"{name}-idle", busybox_image,
               "sleep", "300").stdout.strip()  # fmt: skip

    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (bridge, _state):
            watch = StatsWatch(bridge)
            watch.watch([busy, idle])
            await until(lambda: all(len(watch.histories.get(i) or ()) >= 3 for i in (busy, idle)),
                        15, "three readings of each")  # fmt: skip
            assert watch.streaming == {busy, idle}
            assert _stats_threads() == {"stream:stats"}, "one thread reads every stream"
            out = await docker_async("stats", "--no-stream", "--format", "{{json .}}", busy)
            their_cpu = float(json.loads(out)["CPUPerc"].rstrip("%"))
            ours = watch.histories[busy].recent("cpu_percent", 3)
            # Every reading covers one second of a loop that keeps one core busy (less when
            # the machine is loaded, but never "a share of all cores").
            assert all(50 < cpu < 115 for cpu in ours), ours
            assert abs(ours[-1] - their_cpu) < 15, (ours, their_cpu)
            idle_cpu = watch.histories[idle].recent("cpu_percent", 3)
            assert all(cpu < 5 for cpu in idle_cpu), idle_cpu

            # No longer watched: its stream closes at once, its history stays.
            watch.watch([busy])
            await watch.settled()
            assert watch.streaming == {busy}
            assert len(watch.histories[idle]) >= 3

            # A watched container that stops ends its own stream.
            await docker_async("stop", "-t", "0", busy)
            await until(lambda: not watch.streaming, 10, "the stream of a stopped container ends")
            kept = len(watch.histories[busy])
            await docker_async("start", busy)
            watch.watch([busy])
            await until(lambda: len(watch.histories[busy]) > kept, 10, "readings again")
            watch.forget(idle)
            assert idle not in watch.histories
            await watch.close()
            assert not watch.streaming
            assert not _stats_threads()

    arun(scenario())
