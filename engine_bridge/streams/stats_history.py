"""StatsHistory: one container's recent readings in a fixed-size ring. Pure code.

Readings arrive once a second per container. A history keeps the last `capacity` of them
(15 minutes and a little more by default) as plain float arrays, so a hundred containers
cost a few megabytes, not a few hundred thousand Python objects. Counters (network and
block I/O bytes) become rates here, from one reading to the next.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Sequence

from engine_bridge.streams.stats import StatsSample

#: Every figure of a reading that a history keeps, by StatsSample field name.
FIELDS = (
    "cpu_percent",
    "memory_bytes",
    "memory_limit",
    "network_rx",
    "network_tx",
    "block_read",
    "block_write",
    "pids",
)
#: The figures that only ever grow while a container runs; charts show them per second.
COUNTERS = frozenset({"network_rx", "network_tx", "block_read", "block_write"})

DEFAULT_CAPACITY = 15 * 60 + 60


class StatsHistory:
    """The readings of one container, oldest first; at most `capacity` are kept.

    One thread may add while others read: a lock keeps each figure's values in step with
    the times. Attributes: `latest` (the newest reading, or None).
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 2:
            raise ValueError("a history needs room for two readings")
        self.capacity = capacity
        self.latest: StatsSample | None = None
        self._times = array("d", bytes(8 * capacity))
        self._columns = {name: array("d", bytes(8 * capacity)) for name in FIELDS}
        self._next = 0  # where the next reading goes
        self._count = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def add(self, reading: StatsSample, received_at: float) -> bool:
        """Keep a reading; False when it is not newer than the last one (a repeat)."""
        at = reading.read_at or received_at
        with self._lock:
            if self._count and at <= self._times[(self._next - 1) % self.capacity]:
                return False
            slot = self._next
            self._times[slot] = at
            for name, column in self._columns.items():
                column[slot] = float(getattr(reading, name))
            self._next = (slot + 1) % self.capacity
            self._count = min(self._count + 1, self.capacity)
            self.latest = reading
        return True

    def _ordered(self, column: array[float]) -> array[float]:
        if self._count < self.capacity:
            return column[: self._count]
        return column[self._next :] + column[: self._next]

    def series(self, name: str, since: float = 0.0) -> tuple[array[float], array[float]]:
        """(times, values) of one figure from `since` on; counters come as rates per second."""
        with self._lock:
            times, values = self._ordered(self._times), self._ordered(self._columns[name])
        if name in COUNTERS:
            times, values = times[1:], _rates(times, values)
        start = bisect.bisect_left(times, since)
        return times[start:], values[start:]

    def recent(self, name: str, count: int) -> list[float]:
        """The last `count` values of one figure (counters as rates), oldest first.

        Cheap enough for every paint of a list cell: it copies `count` values, not the ring.
        """
        counter = name in COUNTERS
        with self._lock:
            n = min(count + counter, self._count)
            times, values = self._last(self._times, n), self._last(self._columns[name], n)
        return list(_rates(times, values)) if counter else list(values)

    def _last(self, column: array[float], n: int) -> array[float]:
        start = (self._next - n) % self.capacity
        if start + n <= self.capacity:
            return column[start : start + n]
        return column[start:] + column[: start + n - self.capacity]


def _rates(times: Sequence[float], values: Sequence[float]) -> array[float]:
    """Per-second change between neighbours; a counter that went back (a restart) gives 0."""
    rates = array("d")
    for i in range(1, len(times)):
        elapsed = times[i] - times[i - 1]
        change = values[i] - values[i - 1]
        rates.append(change / elapsed if elapsed > 0 and change > 0 else 0.0)
    return rates
