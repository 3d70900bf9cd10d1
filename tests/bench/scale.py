"""Scale: 5,000 containers (half of them in 100 Compose projects, by the labels Compose
writes) and 300 images on one engine.

- The bridge's connect-and-list of every container against `docker ps -a` (goal: <= 1.0x).
- The app, a fresh process, to its populated Containers list, against the bridge's list plus
  a bare PySide6 window's start (goal: <= 2x), and its peak RSS by then (goal: < 250 MiB).
- The window in this process, every container listed, while one `docker rm -f` removes 1,000
  of them (an event storm): the worst event-loop stall (goal: < 30 ms) and, once the storm is
  over, the list equal to `docker ps -a`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from engine_bridge.endpoints import Endpoint
from engine_bridge.sdk import make_client
from tests.bench.list_containers import _bridge_round, _cli_round, _say
from tests.bench.stall_probe import StallProbe
from tests.bench.startup import _time_until_line
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

CONTAINERS, PROJECTS, IMAGES, STORM = 5_000, 100, 300, 1_000
PREFIX = "dyb-scale"

BARE_WINDOW = """
from PySide6.QtWidgets import QApplication, QMainWindow, QListWidget
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QListWidget())
window.show()
app.processEvents()
print("shown", flush=True)
import sys
sys.stdin.read()
"""


def _labels(number: int) -> dict[str, str]:
    labels = {TEST_LABEL: "1", "dockyard.bench": "scale"}
    in_projects = CONTAINERS // 2
    if number < in_projects:
        per = in_projects // PROJECTS
        project, service = divmod(number, per)
        folder = f"/tmp/{PREFIX}/p{project:03d}"
        labels.update({
            "com.docker.compose.project": f"{PREFIX}-p{project:03d}",
            "com.docker.compose.service": f"s{service:02d}",
            "com.docker.compose.container-number": "1",
            "com.docker.compose.oneoff": "False",
            "com.docker.compose.project.working_dir": folder,
            "com.docker.compose.project.config_files": f"{folder}/docker-compose.yml",
        })  # fmt: skip
    return labels


def _make_world(client: Any) -> None:
    began = time.perf_counter()

    def create(number: int) -> None:
        client.api.create_container(BUSYBOX_IMAGE, ["sleep", "1"], name=f"{PREFIX}-{number:05d}",
                                    labels=_labels(number))  # fmt: skip

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(CONTAINERS)))
    _say(f"{CONTAINERS} containers made in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()

    def build(number: int) -> None:
        dockerfile = f"FROM {BUSYBOX_IMAGE}\nLABEL {TEST_LABEL}=1 dockyard.bench.image={number}\n"
        client.images.build(fileobj=io.BytesIO(dockerfile.encode()), rm=True,
                            tag=f"{PREFIX}/i{number:03d}:1")  # fmt: skip

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(build, range(IMAGES)))
    _say(f"{IMAGES} images made in {time.perf_counter() - began:.0f} s")


def _ids_by_cli() -> set[str]:
    said = subprocess.run(["docker", "ps", "-aq", "--no-trunc"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return set(said.stdout.split())


def run(rounds: int) -> dict[str, Any]:
    engine = ensure_engine()
    client = make_client(engine.endpoint, timeout=600)
    os.environ["DOCKER_HOST"] = engine.endpoint.host
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        _make_world(client)
        return _measure(engine.endpoint, rounds)
    finally:
        _say("removing what the benchmark made…")
        remove_test_objects(client)
        for number in range(IMAGES):
            with contextlib.suppress(Exception):  # not made: an earlier step failed
                client.api.remove_image(f"{PREFIX}/i{number:03d}:1")
        client.close()


def _measure(endpoint: Endpoint, rounds: int) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOCKER_HOST=endpoint.host)
    env["DOCKYARD_CONFIG_DIR"] = tempfile.mkdtemp(prefix="dockyard-bench-settings-")
    app = [sys.executable, "-m", "desktop_app.app", "--report-ready", "--engine", "system"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    _bridge_round(endpoint)  # warm both paths once
    _cli_round()
    _time_until_line(app, env, "containers listed")
    bridge_s, cli_s, app_s, app_rss, bare_s = [], [], [], [], []
    listed = 0
    for n in range(rounds):
        seconds, listed = _bridge_round(endpoint)
        bridge_s.append(seconds)
        cli_s.append(_cli_round())
        seconds, rss = _time_until_line(app, env, "containers listed")
        app_s.append(seconds)
        app_rss.append(rss)
        bare_s.append(_time_until_line(bare, env, "shown")[0])
        _say(f"round {n + 1}: bridge {bridge_s[-1] * 1000:.0f} ms, docker ps -a "
             f"{cli_s[-1] * 1000:.0f} ms, app to its list {app_s[-1] * 1000:.0f} ms "
             f"({app_rss[-1] / 1024:.0f} MiB), bare window {bare_s[-1] * 1000:.0f} ms")  # fmt: skip
    med = statistics.median
    figures: dict[str, Any] = {
        "containers": listed,
        "images": IMAGES,
        "rounds": rounds,
        "bridge_list_ms_median": round(med(bridge_s) * 1000),
        "docker_ps_a_ms_median": round(med(cli_s) * 1000),
        "bridge_over_docker_ps": round(med(bridge_s) / med(cli_s), 2),
        "goal_bridge_over_docker_ps_at_most": 1.0,
        "app_to_populated_list_ms_median": round(med(app_s) * 1000),
        "bare_window_ms_median": round(med(bare_s) * 1000),
        "app_over_bridge_list_plus_bare_window": round(
            med(app_s) / (med(bridge_s) + med(bare_s)), 2),
        "goal_app_over_bridge_plus_bare_at_most": 2.0,
        "app_peak_rss_mib_median": round(med(app_rss) / 1024),
        "goal_rss_mib_under": 250,
    }  # fmt: skip
    figures.update(_storm(endpoint))
    return figures


async def _until(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


def _storm(endpoint: Endpoint) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.event_loop import DockyardEventLoop
    from desktop_app.window import MainWindow
    from engine_bridge.engines.local import SystemEngine

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop runs on after the window is closed
    loop = DockyardEventLoop(app)
    asyncio.set_event_loop(loop)
    found: dict[str, Any] = {}

    async def scenario() -> None:
        window = MainWindow()
        window.resize(1440, 900)
        window.show()
        pane = window.containers_pane
        await window.use_engine(SystemEngine(endpoint))
        await _until(lambda: len(pane.model.containers()) >= CONTAINERS, 120)
        await asyncio.sleep(3.0)  # the first inspections after the list
        doomed = sorted(c.id for c in pane.model.containers() if c.name.startswith(PREFIX))[:STORM]
        probe = StallProbe()
        probe.start()
        began = time.perf_counter()
        await asyncio.to_thread(subprocess.run, ["docker", "rm", "-f", *doomed],
                                stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        removed = time.perf_counter() - began
        expected = await asyncio.to_thread(_ids_by_cli)
        try:
            await _until(lambda: {c.id for c in pane.model.containers()} == expected, 60)
            followed = time.perf_counter() - began
        except TimeoutError:
            followed = float("nan")
        await asyncio.sleep(1.0)
        probe.stop()
        if probe.explain:
            _say("stalls during the storm:\n" + probe.report())
        shown = {c.id for c in pane.model.containers()}
        expected = await asyncio.to_thread(_ids_by_cli)
        if shown != expected:
            extra = sorted(pane.model.container(i).name for i in shown - expected)  # type: ignore[union-attr]
            _say(f"after the storm the list shows {len(extra)} gone ({extra[:5]}) and lacks "
                 f"{len(expected - shown)}")  # fmt: skip
        found.update({
            "storm_removed": STORM,
            "storm_docker_rm_s": round(removed, 1),
            "storm_list_caught_up_s": round(followed, 1),
            "storm_worst_event_loop_stall_ms": round(probe.worst_ms()),
            "storm_p99_event_loop_lateness_ms": round(probe.p99_ms()),
            "goal_worst_stall_ms_under": 30,
            "list_equals_docker_ps_after_storm": shown == expected,
        })  # fmt: skip
        _say(f"storm: {STORM} removed in {removed:.1f} s, list caught up after {followed:.1f} s, "
             f"worst stall {probe.worst_ms():.0f} ms")  # fmt: skip
        await window.drop_engine()
        window.close()
        window.deleteLater()
        await asyncio.sleep(0.5)  # let the window's threads and streams end

    loop.run_until_complete(scenario())
    loop.close()  # ends the default executor's threads (QThreads), before the exit
    return found
