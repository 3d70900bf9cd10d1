"""Container stats as `docker stats` computes them, from the engine's raw JSON. Pure code.

CPU % = (container CPU time delta / system CPU time delta) x online CPUs x 100, so a
container that keeps one core busy shows 100%, not 100% divided by the number of cores.
Memory = usage minus the page cache the kernel can take back at once (`inactive_file` on
cgroup v2, `total_inactive_file` on v1). Network sums every interface; block I/O sums
`io_service_bytes_recursive`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine_bridge.dto import parse_time


@dataclass(frozen=True)
class StatsSample:
    """One reading of a container's resource use."""

    cpu_percent: float
    memory_bytes: int
    memory_limit: int
    network_rx: int
    network_tx: int
    block_read: int
    block_write: int
    pids: int
    #: When the engine took the reading, in Unix seconds; 0.0 when it took none.
    read_at: float = 0.0

    @property
    def memory_percent(self) -> float:
        return 100.0 * self.memory_bytes / self.memory_limit if self.memory_limit else 0.0


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def cpu_percent(stats: Mapping[str, Any]) -> float:
    cpu, previous = _map(stats.get("cpu_stats")), _map(stats.get("precpu_stats"))
    usage, previous_usage = _map(cpu.get("cpu_usage")), _map(previous.get("cpu_usage"))
    cpu_delta = int(usage.get("total_usage") or 0) - int(previous_usage.get("total_usage") or 0)
    system_delta = int(cpu.get("system_cpu_usage") or 0) - int(
        previous.get("system_cpu_usage") or 0
    )
    online = int(cpu.get("online_cpus") or 0) or len(usage.get("percpu_usage") or []) or 1
    if cpu_delta <= 0 or system_delta <= 0:
        return 0.0
    return cpu_delta / system_delta * online * 100.0


def memory_used(stats: Mapping[str, Any]) -> int:
    memory = _map(stats.get("memory_stats"))
    usage = int(memory.get("usage") or 0)
    details = _map(memory.get("stats"))
    cache = details.get("inactive_file", details.get("total_inactive_file", 0))
    cache = int(cache or 0)
    return usage - cache if cache < usage else usage


def sample(stats: Mapping[str, Any]) -> StatsSample:
    """Everything `docker stats` shows, from one stats JSON document."""
    networks = _map(stats.get("networks")).values()
    io = _map(stats.get("blkio_stats")).get("io_service_bytes_recursive") or []
    read = sum(int(e.get("value") or 0) for e in io if str(e.get("op", "")).lower() == "read")
    write = sum(int(e.get("value") or 0) for e in io if str(e.get("op", "")).lower() == "write")
    read_at = parse_time(stats.get("read"))
    return StatsSample(
        cpu_percent=cpu_percent(stats),
        memory_bytes=memory_used(stats),
        memory_limit=int(_map(stats.get("memory_stats")).get("limit") or 0),
        network_rx=sum(int(_map(n).get("rx_bytes") or 0) for n in networks),
        network_tx=sum(int(_map(n).get("tx_bytes") or 0) for n in networks),
        block_read=read,
        block_write=write,
        pids=int(_map(stats.get("pids_stats")).get("current") or 0),
        read_at=read_at.timestamp() if read_at is not None else 0.0,
    )


def _is_set(moment: object) -> bool:
    # The engine writes Go's zero time, 0001-01-01T00:00:00Z, for "never"; a prefix test is
    # all it takes, and this runs for every document of every stream.
    return isinstance(moment, str) and bool(moment) and not moment.startswith("0001-")


def is_reading(stats: Mapping[str, Any]) -> bool:
    """False for the empty documents the engine keeps sending once a container has stopped."""
    return _is_set(stats.get("read"))


def has_cpu_delta(stats: Mapping[str, Any]) -> bool:
    """False for the first document of a stream: with no previous reading to subtract, its
    CPU figure would be the average since the host booted, not the last second's."""
    return _is_set(stats.get("preread"))


class ChunkedDocuments:
    """The JSON documents of a stats stream, from the raw bytes of its chunked HTTP body,
    fed in whatever pieces the socket gives. Pure code: for a reader that polls many
    sockets from one thread."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._body = bytearray()
        self.ended = False

    def feed(self, data: bytes) -> list[bytes]:
        """Every complete document the bytes so far hold (newline-separated JSON)."""
        buffer = self._buffer
        buffer += data
        position = 0
        while not self.ended:
            end_of_size = buffer.find(b"\r\n", position)
            if end_of_size < 0:
                break
            size = int(buffer[position:end_of_size].split(b";", 1)[0], 16)
            if size == 0:
                self.ended = True
                break
            start = end_of_size + 2
            if start + size + 2 > len(buffer):
                break
            self._body += buffer[start : start + size]
            position = start + size + 2
        del buffer[:position]
        *documents, rest = bytes(self._body).split(b"\n")
        self._body = bytearray(rest)
        return [d for d in documents if d.strip()]
