"""How late the UI's event loop runs, and, when asked, why.

A 5 ms timer on the UI thread notes how late each tick comes: the worst lateness is the
worst stall a user could have felt. With `explain` (or DOCKYARD_STALL_EXPLAIN=1 in the
environment) each stall over the threshold is also taken apart:

- the UI thread's own scheduler figures from /proc (time on a CPU, time waiting for one),
  so a stall is seen to be work, a CPU taken by other processes, or a wait (for the GIL,
  held by another thread, or in a blocking call);
- the UI thread's Python stack, sampled every 2 ms by a watchdog thread, so work done in
  Python is seen with its callers (work inside Qt shows as the Python frame that called in);
- which processes of the machine had the CPUs meanwhile (from /proc every 10 ms), and in
  which scheduler group (Linux's autogroups: one per session, each weighed the same).

The explanation costs some time itself: benchmarks quote figures from runs without it.
"""

from __future__ import annotations

import collections
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _schedstat(tid: int) -> tuple[int, int]:
    """Nanoseconds the thread ran on a CPU, and waited for one, since it started."""
    try:
        ran, waited, _slices = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0, 0
    return int(ran), int(waited)


def _cpu_by_process() -> dict[int, tuple[str, int]]:
    """Every process's name (and autogroup) and its CPU time so far, in clock ticks."""
    seen: dict[int, tuple[str, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2 :].split()
        seen[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))
    return seen


def _stack(frame: Any, depth: int = 8) -> tuple[str, ...]:
    said: list[str] = []
    while frame is not None and len(said) < depth:
        code = frame.f_code
        said.append(f"{code.co_name} ({Path(code.co_filename).name}:{frame.f_lineno})")
        frame = frame.f_back
    return tuple(said)


@dataclass
class Stall:
    """One tick that came more than the threshold late."""

    at_s: float
    late_ms: float
    on_cpu_ms: float
    waiting_for_cpu_ms: float
    stacks: collections.Counter[tuple[str, ...]] = field(default_factory=collections.Counter)
    others: list[tuple[str, int]] = field(default_factory=list)  # (process, ms of CPU)

    def said(self) -> str:
        off = max(0.0, self.late_ms + 5 - self.on_cpu_ms - self.waiting_for_cpu_ms)
        lines = [f"stall of {self.late_ms:.0f} ms at {self.at_s:.2f} s: UI thread on a CPU "
                 f"{self.on_cpu_ms:.0f} ms, waiting for a CPU {self.waiting_for_cpu_ms:.0f} ms, "
                 f"off the CPU (GIL or a blocking call) {off:.0f} ms"]  # fmt: skip
        if self.others:
            lines.append("  CPU meanwhile: " + ", ".join(f"{n} {ms} ms" for n, ms in self.others))
        for stack, count in self.stacks.most_common(3):
            lines.append(f"  {count} samples: " + " <- ".join(stack))
        return "\n".join(lines)


class StallProbe:
    """Start it with the window on screen; `stop()` it before reading the figures."""

    def __init__(
        self, threshold_ms: float = 30.0, interval_ms: int = 5, explain: bool | None = None
    ) -> None:
        from PySide6.QtCore import QTimer

        self.interval_s = interval_ms / 1000
        self.threshold_s = threshold_ms / 1000
        self.explain = (
            bool(os.environ.get("DOCKYARD_STALL_EXPLAIN")) if explain is None else explain
        )
        self.late: list[float] = []
        self.stalls: list[Stall] = []
        self._timer = QTimer(interval=interval_ms)
        self._timer.timeout.connect(self._tick)
        self._tid = threading.main_thread().native_id or 0
        self._ident = threading.main_thread().ident or 0
        self._samples: collections.deque[tuple[float, tuple[str, ...]]] = collections.deque(
            maxlen=5000
        )
        self._cpu: collections.deque[tuple[float, dict[int, tuple[str, int]]]] = collections.deque(
            maxlen=6000
        )
        self._sampling = threading.Event()
        self._began = self._last = 0.0
        self._sched = (0, 0)

    def start(self) -> None:
        self.late.clear()
        self.stalls.clear()
        self._began = self._last = time.perf_counter()
        self._sched = _schedstat(self._tid)
        if self.explain:
            self._sampling.set()
            threading.Thread(target=self._sample, name="stall-sampler", daemon=True).start()
            threading.Thread(target=self._sample_cpu, name="stall-cpu", daemon=True).start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._sampling.clear()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = max(0.0, now - self._last - self.interval_s)
        self.late.append(late)
        if self.explain:
            sched = _schedstat(self._tid)
            if late > self.threshold_s:
                stall = Stall(
                    at_s=self._last - self._began,
                    late_ms=late * 1000,
                    on_cpu_ms=(sched[0] - self._sched[0]) / 1e6,
                    waiting_for_cpu_ms=(sched[1] - self._sched[1]) / 1e6,
                )
                stall.stacks.update(s for t, s in list(self._samples) if self._last <= t <= now)
                self.stalls.append(stall)
            self._sched = sched
        self._last = now

    def _sample(self) -> None:
        while self._sampling.is_set():
            frame = sys._current_frames().get(self._ident)
            self._samples.append((time.perf_counter(), _stack(frame)))
            del frame
            time.sleep(0.002)

    def _sample_cpu(self) -> None:
        while self._sampling.is_set():
            self._cpu.append((time.perf_counter(), _cpu_by_process()))
            time.sleep(0.01)

    def _who_ran(self, stall: Stall) -> list[tuple[str, int]]:
        """Processes by CPU used from just before the stall to just after it."""
        began = self._began + stall.at_s
        ended = began + (stall.late_ms + 5) / 1000
        before = [c for t, c in self._cpu if t <= began]
        after = [c for t, c in self._cpu if t >= ended]
        if not before or not after:
            return []
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        used: collections.Counter[str] = collections.Counter()
        for pid, (name, ticks) in after[0].items():
            group = Path(f"/proc/{pid}/autogroup")
            try:
                where = group.read_text().split()[0].removeprefix("/autogroup-")
            except (OSError, IndexError):
                where = "?"
            used[f"{name}[{where}]"] += int((ticks - before[-1].get(pid, (name, 0))[1]) * tick_ms)
        return [(n, ms) for n, ms in used.most_common(6) if ms > 0]

    def worst_ms(self) -> float:
        return round(max(self.late, default=0.0) * 1000, 1)

    def p99_ms(self) -> float:
        if len(self.late) < 2:
            return self.worst_ms()
        return round(statistics.quantiles(self.late, n=100)[98] * 1000, 1)

    def report(self) -> str:
        """The explained stalls, worst first (empty without `explain`)."""
        worst = sorted(self.stalls, key=lambda s: -s.late_ms)[:8]
        for stall in worst:
            stall.others = self._who_ran(stall)
        return "\n".join(s.said() for s in worst)


def _bare() -> None:
    """A bare Qt application that only runs the probe, until its stdin ends; then one JSON
    line with its worst and 99th-percentile lateness. What the machine alone does to a UI."""
    import json

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    probe = StallProbe()
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def heard() -> None:
        if not os.read(sys.stdin.fileno(), 4096):
            probe.stop()
            if probe.explain:
                print(probe.report(), file=sys.stderr)
            print(json.dumps({"worst_ms": probe.worst_ms(), "p99_ms": probe.p99_ms()}))
            app.quit()

    notifier.activated.connect(heard)
    probe.start()
    print("ready", flush=True)
    app.exec()


class BareProbe:
    """The bare probe in a process of its own: `with BareProbe() as bare:`, then `bare.figures`."""

    def __init__(self) -> None:
        self.figures: dict[str, float] = {}

    def __enter__(self) -> BareProbe:
        import subprocess

        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.stall_probe"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._process.stdout is not None
        self._process.stdout.readline()  # "ready"
        return self

    def __exit__(self, *_exc: object) -> None:
        import json

        output, _ = self._process.communicate(timeout=30)
        self.figures = json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    _bare()
