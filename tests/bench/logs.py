"""Logs: a container that printed 1,000,000 lines, through the real Logs panel.

Figures: time until the view holds the last line, against the real `docker logs` to
/dev/null on the same container in the same run; the longest stall of the UI event loop
during that ingest (a 5 ms timer that notes how late it fires); a search over the 100,000
lines the view keeps; and this process's peak RSS. Then a followed container that prints
200,000 short lines in one burst, with and without a TTY: the longest stall until the view
shows the last one.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from engine_bridge.sdk import make_client
from tests.bench.list_containers import _say
from tests.bench.stall_probe import StallProbe
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

LINES = 1_000_000
NAME = "dyb-logs-million"
BURST = 200_000


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cli_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(["docker", "logs", NAME], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def run(rounds: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    engine = ensure_engine()
    client = make_client(engine.endpoint)
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        _say(f"a container prints {LINES:,} lines...")
        created = client.api.create_container(
            BUSYBOX_IMAGE, ["seq", "1", str(LINES)], name=NAME, labels={TEST_LABEL: "1"}
        )
        client.api.start(created["Id"])
        client.api.wait(created["Id"])
        bursts = []
        for tty in (False, True):
            # Followed from the start; after a second, the whole burst at once.
            burst = client.api.create_container(
                BUSYBOX_IMAGE,
                ["sh", "-c", f"sleep 1; seq 1 {BURST}; sleep 600"],
                tty=tty,
                name=f"{NAME}-burst-{'tty' if tty else 'plain'}",
                labels={TEST_LABEL: "1"},
            )
            bursts.append((burst["Id"], tty))
        return _measure(engine, created["Id"], rounds, bursts, client)
    finally:
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()


def _measure(
    engine: Any, container_id: str, rounds: int, bursts: list[tuple[str, bool]], client: Any
) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from desktop_app.event_loop import DockyardEventLoop
    from desktop_app.session import EngineSession
    from desktop_app.widgets.logs_panel import LogsPanel, LogTarget
    from engine_bridge.engines.local import SystemEngine

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    gc.freeze()  # as desktop_app.app.main() does once the window is built
    app.setQuitOnLastWindowClosed(False)  # each round's panel is a window of its own
    loop = DockyardEventLoop(app)
    asyncio.set_event_loop(loop)
    cli = [_cli_seconds() for _ in range(max(3, rounds // 2))]
    _say(f"docker logs > /dev/null: median {statistics.median(cli):.2f} s")

    async def scenario() -> dict[str, Any]:
        session = EngineSession(SystemEngine(engine.endpoint))
        await session.open()
        assert session.state is not None
        await session.state.wait_live()

        def panel_awaiting(last: str) -> tuple[LogsPanel, asyncio.Event]:
            """A Logs panel on screen, and an event set once its last line reads `last`."""
            panel = LogsPanel()
            panel.resize(1000, 700)
            panel.show()
            panel.attach(session)
            done = asyncio.Event()

            def arrived(*_: object) -> None:
                count = panel.model.rowCount()
                if count and panel.model.line(count - 1).text == last:
                    done.set()

            panel.model.rowsInserted.connect(arrived)
            return panel, done

        ingest, stalls, searches = [], [], []
        for n in range(max(3, rounds // 2)):
            panel, done = panel_awaiting(str(LINES))
            panel.follow.setChecked(False)
            panel.tail.setValue(0)
            probe = StallProbe()
            probe.start()
            start = time.perf_counter()
            panel.show_targets([LogTarget(container_id, NAME, False)])
            await done.wait()
            ingest.append(time.perf_counter() - start)
            probe.stop()
            if probe.explain:
                _say(probe.report())
            stalls.append(probe.worst_ms() / 1000)
            pattern = re.compile(r"99\d7")
            for _ in range(5):
                t = time.perf_counter()
                found = panel.model.matches(pattern)
                searches.append(time.perf_counter() - t)
            _say(f"round {n + 1}: last line after {ingest[-1]:.2f} s, worst stall "
                 f"{stalls[-1] * 1000:.0f} ms, search {searches[-1] * 1000:.0f} ms "
                 f"({len(found)} of {panel.model.rowCount():,} lines)")  # fmt: skip
            panel.stop()
            panel.deleteLater()
        burst_stalls = {}
        for burst_id, tty in bursts:
            panel, done = panel_awaiting(str(BURST))
            await asyncio.to_thread(client.api.start, burst_id)
            probe = StallProbe()
            probe.start()
            panel.show_targets([LogTarget(burst_id, "burst", tty)])
            async with asyncio.timeout(120):
                await done.wait()
            await asyncio.sleep(0.5)  # the view settles
            probe.stop()
            if probe.explain:
                _say(probe.report())
            kind = "tty" if tty else "plain"
            burst_stalls[kind] = round(probe.worst_ms(), 1)
            _say(f"burst of {BURST:,} lines ({kind}): worst stall {probe.worst_ms():.0f} ms")
            panel.stop()
            panel.deleteLater()
        await session.close()
        return {"ingest": ingest, "stalls": stalls, "searches": searches,
                "bursts": burst_stalls}  # fmt: skip

    result = loop.run_until_complete(scenario())
    loop.close()  # ends the default executor's threads (QThreads), before the exit
    app_s = statistics.median(result["ingest"])
    cli_s = statistics.median(cli)
    return {
        "lines": LINES,
        "view_keeps_lines": 100_000,
        "dockyard_last_line_s_median": round(app_s, 2),
        "docker_logs_to_devnull_s_median": round(cli_s, 2),
        "ratio": round(app_s / cli_s, 2),
        "goal_ratio_at_most": 1.5,
        "worst_event_loop_stall_ms_median": round(statistics.median(result["stalls"]) * 1000, 1),
        "goal_stall_ms_under": 30,
        "search_100k_lines_ms_median": round(statistics.median(result["searches"]) * 1000, 1),
        "goal_search_ms_under": 100,
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "followed_burst_lines": BURST,
        "followed_burst_worst_stall_ms": result["bursts"],
    }
