"""Engine reconnects: what the app keeps per reconnect, over 100 of them.

The real window runs in this process on the real engine, reached through a proxy in a
process of its own that drops every connection and refuses new ones ("down"), then takes
them again ("up"), as an engine that is stopped and started does. Three containers write a
line every 0.2 s, one of them has its log followed, and all three have live stats, so each
reconnect restarts the events, log and stats streams. Every 10 reconnects, once the streams
have settled: resident size, what malloc holds in use, open files, threads, Qt objects and
Python objects. The figure to watch is the resident size's growth per reconnect after the
first 20 (a least-squares slope); without the settings in desktop_app/memory.py it was
11.5 KiB in the run where it was 5.8 KiB with them. Between those samples, how late the
UI's event loop runs while the engine goes and comes back: the worst and the 99th
percentile lateness (goal: no stall over 30 ms).
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.bench.list_containers import _say
from tests.bench.stall_probe import StallProbe
from tests.engine_proxy import ProxyProcess
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

CYCLES = 100
EVERY = 10


class _MallInfo(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]  # fmt: skip


def _malloc_in_use_mib() -> float:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return 0.0
    return float(info.uordblks + info.hblkhd) / 2**20


def _rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _slope(points: list[tuple[int, float]]) -> float:
    xs, ys = [float(x) for x, _ in points], [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


async def _until(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the engine did not come back")
        await asyncio.sleep(0.01)


async def _cycles(
    window: Any, proxy: ProxyProcess, lateness: list[tuple[float, float]]
) -> list[dict[str, float]]:
    from PySide6.QtCore import QObject

    from engine_bridge.endpoints import Endpoint
    from engine_bridge.engines.local import SystemEngine
    from engine_bridge.state import Connection

    await window.use_engine(SystemEngine(Endpoint("proxy", f"unix://{proxy.path}", "proxy")))
    session = window.session
    await _until(lambda: window.containers_pane.is_loaded, 30)
    pane = window.containers_pane
    pane.select(["dyk-bench-reconnect-0"])
    pane.details.show_tab("Logs")
    await asyncio.sleep(2)

    def status() -> Connection:
        return session.state.connection.status  # type: ignore[no-any-return]

    samples: list[dict[str, float]] = []
    probe = StallProbe()  # not while the samples are taken: gc.collect() stalls by itself
    probe.start()
    for n in range(1, CYCLES + 1):
        proxy.say("down")
        await _until(lambda: status() is not Connection.LIVE, 10)
        proxy.say("up")
        session.state.retry_now()
        await _until(lambda: status() is Connection.LIVE, 30)
        if n % EVERY == 0:
            await asyncio.sleep(1.0)  # let the streams open again
            probe.stop()
            if probe.explain:
                _say(probe.report())
            lateness.append((probe.worst_ms(), probe.p99_ms()))
            gc.collect()
            samples.append({
                "reconnects": n,
                "rss_mib": round(_rss_mib(), 2),
                "malloc_in_use_mib": round(_malloc_in_use_mib(), 2),
                "open_files": len(os.listdir("/proc/self/fd")),
                "threads": threading.active_count(),
                "qt_objects": len(window.findChildren(QObject)),
                "python_objects": len(gc.get_objects()),
            })  # fmt: skip
            _say(f"{samples[-1]}, worst lateness {lateness[-1][0]:.0f} ms")
            probe = StallProbe()
            probe.start()
        else:
            await asyncio.sleep(0.05)
    await window.drop_engine()
    return samples


def run(rounds: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.event_loop import DockyardEventLoop
    from desktop_app.memory import settle_malloc
    from desktop_app.window import MainWindow
    from engine_bridge.sdk import make_client

    engine = ensure_engine()
    client = make_client(engine.endpoint)
    settle_malloc()  # as the app does at start
    folder = Path(tempfile.mkdtemp(prefix="dockyard-bench-"))
    proxy = ProxyProcess(engine.endpoint.address, folder / "engine.sock")
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        for i in range(3):
            client.api.start(client.api.create_container(
                BUSYBOX_IMAGE, ["sh", "-c", "while true; do echo tick; sleep 0.2; done"],
                name=f"dyk-bench-reconnect-{i}", labels={TEST_LABEL: "1"},
            ))  # fmt: skip
        app = QApplication.instance() or QApplication([])
        loop = DockyardEventLoop(app)
        asyncio.set_event_loop(loop)
        window = MainWindow()
        window.show()
        lateness: list[tuple[float, float]] = []
        with loop:
            samples = loop.run_until_complete(_cycles(window, proxy, lateness))
        window.close()
        window.deleteLater()
        warm = [(int(s["reconnects"]), s["rss_mib"]) for s in samples if s["reconnects"] > 20]
        first, last = samples[0], samples[-1]
        return {
            "reconnects": CYCLES,
            "rss_kib_per_reconnect_after_20": round(_slope(warm) * 1024, 1),
            "rss_mib": [first["rss_mib"], last["rss_mib"]],
            "malloc_in_use_mib": [first["malloc_in_use_mib"], last["malloc_in_use_mib"]],
            "open_files": [first["open_files"], last["open_files"]],
            "threads": [first["threads"], last["threads"]],
            "qt_objects": [first["qt_objects"], last["qt_objects"]],
            "python_objects": [first["python_objects"], last["python_objects"]],
            "worst_event_loop_lateness_ms": round(max(w for w, _ in lateness), 1),
            "p99_event_loop_lateness_ms_median": round(
                statistics.median(p for _, p in lateness), 1),
            "goal_stall_ms_under": 30,
        }  # fmt: skip
    finally:
        proxy.close()
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()
