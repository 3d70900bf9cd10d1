"""Live stats: what watching 50, then 100 running containers costs, in the app and in the
engine, against the real `docker stats` watching the same containers in the same run.

For each size: one phase with nothing watching (the engine at rest), then three rounds of
two phases of the same length, taking turns: the app with its Containers list on screen
(every running container streamed, CPU and memory columns drawn), and `docker stats`
streaming the same containers to a pipe. During each, the CPU time (user + system, from
/proc) of the watcher and of dockerd, containerd and the runtime shims is taken, reported
per minute, and the medians of the rounds compared.

Then the UI's responsiveness: the real window in this process, with the Containers list and
then the Resources pane (charts and table of every container) on screen, while a 5 ms timer
notes how late the event loop runs it; the worst and the 99th percentile lateness are reported.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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

REPO = Path(__file__).resolve().parents[2]
SIZES = (50, 100)
PHASE_SECONDS = float(os.environ.get("DOCKYARD_BENCH_SECONDS", "20"))
ROUNDS = 3
WARM_UP_SECONDS = 5.0
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _processes(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _engine_processes(socket_path: str) -> dict[str, list[int]]:
    """dockerd serving `socket_path`, its containerd, and every runtime shim."""
    dockerd = [
        pid for pid in _processes("dockerd")
        if socket_path in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    ] or _processes("dockerd")  # fmt: skip
    return {
        "dockerd": dockerd[:1],
        "containerd": _processes("containerd"),
        "shims": _processes("containerd-shim-runc-v2") + _processes("containerd-shim"),
    }


def _measure(pids: dict[str, list[int]], seconds: float) -> dict[str, float]:
    """CPU seconds per minute of each group of processes over `seconds`."""
    before = {k: sum(_cpu_seconds(p) for p in v) for k, v in pids.items()}
    time.sleep(seconds)
    after = {k: sum(_cpu_seconds(p) for p in v) for k, v in pids.items()}
    return {k: round((after[k] - before[k]) * 60 / seconds, 3) for k in pids}


def _start_containers(client: Any, count: int) -> list[str]:
    labels = {TEST_LABEL: "1", "dockyard.bench": "stats"}

    def start(i: int) -> str:
        name = f"dyb-stats-{i:04d}"
        created = client.api.create_container(
            BUSYBOX_IMAGE, ["sleep", "3600"], name=name, labels=labels
        )
        client.api.start(created["Id"])
        return name

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(start, range(count)))


def _drain(stream: Any) -> None:
    for _ in iter(lambda: stream.read(65536), b""):
        pass


def _app_phase(env: dict[str, str], engine: dict[str, list[int]]) -> dict[str, float]:
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.app", "--report-ready"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert app.stdout is not None
        for line in app.stdout:
            if "containers listed" in line:
                break
        threading.Thread(target=lambda: app.stdout and app.stdout.read(), daemon=True).start()
        time.sleep(WARM_UP_SECONDS)  # every stream open, its first readings in
        threads = len(list(Path(f"/proc/{app.pid}/task").iterdir()))
        figures = _measure({"watcher": [app.pid], **engine}, PHASE_SECONDS)
        figures["app_threads"] = threads
        return figures
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()


def _cli_phase(
    env: dict[str, str], names: list[str], engine: dict[str, list[int]]
) -> dict[str, float]:
    cli = subprocess.Popen(
        ["docker", "stats", *names], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        threading.Thread(target=_drain, args=(cli.stdout,), daemon=True).start()
        time.sleep(WARM_UP_SECONDS)
        return _measure({"watcher": [cli.pid], **engine}, PHASE_SECONDS)
    finally:
        cli.send_signal(signal.SIGKILL)
        cli.wait()


def _stall_phase(endpoint: Any, seconds: float) -> dict[str, float]:
    """Worst and 99th-percentile lateness of a 5 ms timer, per pane, in milliseconds."""
    import asyncio

    from PySide6.QtWidgets import QApplication

    from desktop_app.event_loop import DockyardEventLoop
    from desktop_app.window import MainWindow
    from engine_bridge.engines.local import SystemEngine

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    loop = asyncio.get_event_loop_policy().get_event_loop()
    if not isinstance(loop, DockyardEventLoop):
        loop = DockyardEventLoop(app)
        asyncio.set_event_loop(loop)
    figures: dict[str, float] = {}

    async def scenario() -> None:
        window = MainWindow()
        window.show()
        loaded = asyncio.Event()
        window.engine_ready.connect(loaded.set)
        await window.use_engine(SystemEngine(endpoint))
        await asyncio.wait_for(loaded.wait(), 60)
        for pane in (window.containers_pane.title, window.resources_pane.title):
            window.show_pane(pane)
            await asyncio.sleep(WARM_UP_SECONDS)
            probe = StallProbe()
            probe.start()
            await asyncio.sleep(seconds)
            probe.stop()
            if probe.explain:
                _say(f"{pane}:\n{probe.report()}")
            key = pane.lower()
            figures[f"{key}_worst_ms"] = probe.worst_ms()
            figures[f"{key}_p99_ms"] = probe.p99_ms()
        await window.drop_engine()
        window.close()
        window.deleteLater()

    loop.run_until_complete(scenario())
    return figures


def run(rounds: int) -> dict[str, Any]:
    # CPU time over a phase is already an average; a few rounds, app and CLI taking turns,
    # keep one noisy phase from deciding the ratio.
    rounds = max(1, min(rounds, ROUNDS))
    endpoint = ensure_engine().endpoint
    client = make_client(endpoint)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOCKER_HOST=endpoint.host)
    results: dict[str, Any] = {
        "phase_seconds": PHASE_SECONDS, "rounds": rounds,
        "goal_app_to_cli_at_most": 0.8, "goal_ui_lateness_worst_ms_under": 30,
    }  # fmt: skip
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        for size in SIZES:
            _say(f"starting {size} containers")
            names = _start_containers(client, size)
            engine = _engine_processes(endpoint.host.removeprefix("unix://"))
            _say(f"{size}: engine at rest")
            rest = _measure(engine, PHASE_SECONDS)
            apps, clis = [], []
            for round_ in range(rounds):
                _say(f"{size}: round {round_ + 1}: the app, then docker stats")
                apps.append(_app_phase(env, engine))
                clis.append(_cli_phase(env, names, engine))
            _say(f"{size}: how late the UI runs with stats on screen")
            app, cli = _medians(apps), _medians(clis)
            results[str(size)] = {
                "cpu_s_per_min_median": {"app": app["watcher"], "docker_stats": cli["watcher"]},
                "app_to_cli": round(app["watcher"] / cli["watcher"], 2) if cli["watcher"] else None,
                "app_rounds": [a["watcher"] for a in apps],
                "docker_stats_rounds": [c["watcher"] for c in clis],
                "dockerd_cpu_s_per_min_median": {
                    "rest": rest["dockerd"], "app": app["dockerd"], "docker_stats": cli["dockerd"],
                },
                "containerd_and_shims_cpu_s_per_min_median": {
                    "rest": round(rest["containerd"] + rest["shims"], 3),
                    "app": round(app["containerd"] + app["shims"], 3),
                    "docker_stats": round(cli["containerd"] + cli["shims"], 3),
                },
                "app_threads": apps[0]["app_threads"],
                "ui_lateness": _stall_phase(endpoint, PHASE_SECONDS / 2),
            }  # fmt: skip
            _say(str(results[str(size)]))
            remove_test_objects(client)
    finally:
        remove_test_objects(client)
        client.close()
    return results


def _medians(phases: list[dict[str, float]]) -> dict[str, float]:
    import statistics

    return {key: round(statistics.median(p[key] for p in phases), 3) for key in phases[0]}
