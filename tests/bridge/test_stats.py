"""Our stats against the real `docker stats --no-stream`, on containers that burn CPU and
hold memory."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine_bridge.bridge import EngineBridge
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
            cpu = await bridge.stats_once(f"{name}-cpu")
            memory = await bridge.stats_once(f"{name}-mem")
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
