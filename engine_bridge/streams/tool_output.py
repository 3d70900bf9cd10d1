"""What a command-line tool has printed so far, kept for views that show it as it comes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

#: Lines kept; the oldest go first (an `up` of many services prints a few per service).
LIMIT = 20_000


@dataclass
class ToolOutput:
    """Lines printed by a tool, appended from the worker thread, read from any."""

    lines: list[str] = field(default_factory=list)
    dropped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)
            if len(self.lines) > LIMIT:
                cut = len(self.lines) - LIMIT
                del self.lines[:cut]
                self.dropped += cut

    def since(self, seen: int) -> list[str]:
        """The lines after the first `seen` ever printed (counting dropped ones)."""
        with self._lock:
            start = max(0, seen - self.dropped)
            return self.lines[start:]

    @property
    def count(self) -> int:
        """How many lines were printed in all."""
        with self._lock:
            return self.dropped + len(self.lines)
