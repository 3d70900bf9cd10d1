"""Compose: 50 projects of 5 services listed, and the UI during a 20-service up.

Listing: the real window in this process, switched to the engine, timed from the switch to
the Compose pane holding all 50 projects (connect, the lists, grouping by label, the rows
drawn), against what a terminal does to list Compose projects when Compose has no `ls` (v1,
as here): `docker ps -a --filter label=com.docker.compose.project` with the project label
printed, output to a pipe, and `docker compose ls` too where the plugin exists. Rounds
alternate between the two.

Up: with the Compose pane on screen, the pane's own up of a 20-service project runs through
the installed Compose while a 5 ms timer notes how late the event loop runs it; the worst
lateness is the UI's worst stall (goal: under 50 ms). Then the machine's own share: the same
up from a terminal, the app off the engine, while a bare Qt process runs the same timer.
Three rounds of each, alternating; the figures are listed per round.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engine_bridge.sdk import make_client
from tests.bench.list_containers import _say
from tests.bench.stall_probe import BareProbe, StallProbe
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

PROJECTS, SERVICES, BIG = 50, 5, 20
UP_ROUNDS = 3
PREFIX = "dyb-compose"
NETWORK = f"{PREFIX}-net"


def _file(services: int) -> str:
    lines = ['version: "3.8"', "services:"]
    for n in range(services):
        lines += [f"  s{n:02d}:", f"    image: {BUSYBOX_IMAGE}", '    command: ["sleep", "600"]',
                  f"    labels: {{ {TEST_LABEL}: '1' }}"]  # fmt: skip
    # One network for all: the engine's default pools give about 30 networks, fewer than
    # 50 projects would each make.
    lines += ["networks:", "  default:", "    external: true", f"    name: {NETWORK}"]
    return "\n".join(lines) + "\n"


def _compose(folder: Path, name: str, *words: str) -> None:
    subprocess.run(["docker-compose", "-p", name, *words], cwd=folder, check=True,
                   capture_output=True, timeout=600)  # fmt: skip


def _make_projects(root: Path) -> list[Path]:
    folders = []
    for n in range(PROJECTS):
        folder = root / f"{PREFIX}-{n:02d}"
        folder.mkdir()
        (folder / "docker-compose.yml").write_text(_file(SERVICES))
        folders.append(folder)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda f: _compose(f, f.name, "up", "--no-start"), folders))
    return folders


def _cli_round() -> dict[str, float]:
    figures = {}
    began = time.perf_counter()
    subprocess.run(["docker", "ps", "-a", "--filter", "label=com.docker.compose.project",
                    "--format", '{{.Label "com.docker.compose.project"}}'],
                   check=True, capture_output=True)  # fmt: skip
    figures["docker_ps_label_query_s"] = time.perf_counter() - began
    began = time.perf_counter()
    plugin = subprocess.run(["docker", "compose", "ls", "-a"], capture_output=True, check=False)
    if plugin.returncode == 0:
        figures["docker_compose_ls_s"] = time.perf_counter() - began
    return figures


def run(rounds: int) -> dict[str, Any]:
    engine = ensure_engine()
    client = make_client(engine.endpoint)
    build_busybox_image(client)
    remove_test_objects(client)
    client.api.create_network(NETWORK, labels={TEST_LABEL: "1"})
    with tempfile.TemporaryDirectory(prefix="dyb-compose-") as temp:
        root = Path(temp)
        began = time.perf_counter()
        big = root / f"{PREFIX}-big"
        big.mkdir()
        (big / "docker-compose.yml").write_text(_file(BIG))
        folders: list[Path] = []
        try:
            folders = _make_projects(root)
            _say(f"{PROJECTS} projects of {SERVICES} services made in "
                 f"{time.perf_counter() - began:.0f} s")  # fmt: skip
            figures = _measure(engine.endpoint, rounds, big)
        finally:
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(lambda f: _compose(f, f.name, "down"), [*folders, big]))
            remove_test_objects(client)
            client.close()
    return figures


async def _until(done: Callable[[], bool]) -> None:
    """Let the loop run until `done()`: the app's own events change what it looks at."""
    while not done():  # noqa: ASYNC110
        await asyncio.sleep(0.002)


def _measure(endpoint: Any, rounds: int, big: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.event_loop import DockyardEventLoop
    from desktop_app.panes.compose.pane import ComposePane
    from desktop_app.window import MainWindow
    from engine_bridge import ComposeFiles, up_project
    from engine_bridge.engines.local import SystemEngine

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    loop = DockyardEventLoop(app)
    asyncio.set_event_loop(loop)
    app_times: list[float] = []
    cli_times: list[dict[str, float]] = []
    figures: dict[str, Any] = {}
    ups: list[dict[str, float]] = []
    floors: list[dict[str, float]] = []

    async def scenario() -> None:
        window = MainWindow()
        window.resize(1440, 900)
        window.show()
        pane = window.panes["Compose"]
        assert isinstance(pane, ComposePane)
        window.show_pane("Compose")
        for n in range(rounds):
            began = time.perf_counter()
            await window.use_engine(SystemEngine(endpoint))
            await _until(lambda: sum(1 for p in pane.model.rows()
                                     if p.name.startswith(PREFIX)) >= PROJECTS)  # fmt: skip
            app_times.append(time.perf_counter() - began)
            await window.drop_engine()
            cli_times.append(await asyncio.to_thread(_cli_round))
            _say(
                f"round {n + 1}: pane {app_times[-1] * 1000:.0f} ms, "
                f"docker ps {cli_times[-1]['docker_ps_label_query_s'] * 1000:.0f} ms"
            )
        for n in range(UP_ROUNDS):
            await window.use_engine(SystemEngine(endpoint))
            await _until(lambda: pane.tool is not None)
            await asyncio.sleep(2.0)  # the first drift checks of 50 projects
            probe = StallProbe()
            target = ComposeFiles(big.name, str(big), (str(big / "docker-compose.yml"),))
            assert pane.tool is not None
            operation = up_project(pane.tool, target, pane._endpoint())
            probe.start()
            began, cpu = time.perf_counter(), time.process_time()
            done = await pane.run_compose(operation, big.name, "up")
            assert done, pane.message.text()
            took = time.perf_counter() - began
            await _until(lambda: (row := pane.model.row(big.name)) is not None
                         and row.running >= BIG)  # fmt: skip
            listed = time.perf_counter() - began
            cpu = time.process_time() - cpu
            probe.stop()
            if probe.explain:
                _say("stalls during the pane's up:\n" + probe.report())
            ups.append({"up_s": took, "listed_s": listed, "worst_ms": probe.worst_ms(),
                        "p99_ms": probe.p99_ms(), "cpu_s": cpu})  # fmt: skip
            await asyncio.to_thread(_compose, big, big.name, "down")
            await _until(lambda: pane.model.row(big.name) is None)
            # The machine's own share: the same up from a terminal, the app off the engine,
            # while a bare Qt process runs the same probe.
            await window.drop_engine()
            with BareProbe() as bare:
                await asyncio.to_thread(_compose, big, big.name, "up", "-d")
            floors.append(bare.figures)
            await asyncio.to_thread(_compose, big, big.name, "down")
            _say(f"up round {n + 1}: app's worst stall {ups[-1]['worst_ms']:.0f} ms "
                 f"(p99 {ups[-1]['p99_ms']:.0f}), bare process during a terminal up "
                 f"{floors[-1]['worst_ms']:.0f} ms (p99 {floors[-1]['p99_ms']:.0f})")  # fmt: skip
        figures.update({
            "up_20_services_s_median": round(statistics.median(u["up_s"] for u in ups), 1),
            "up_20_services_all_running_listed_s_median":
                round(statistics.median(u["listed_s"] for u in ups), 1),
            "app_cpu_during_up_ms_median": round(statistics.median(u["cpu_s"] for u in ups) * 1000),
            "worst_event_loop_stall_during_up_ms": [u["worst_ms"] for u in ups],
            "p99_event_loop_lateness_during_up_ms": [u["p99_ms"] for u in ups],
            "bare_process_worst_lateness_during_terminal_up_ms": [f["worst_ms"] for f in floors],
            "bare_process_p99_lateness_during_terminal_up_ms": [f["p99_ms"] for f in floors],
            "goal_stall_ms_under": 50,
        })  # fmt: skip
        window.close()
        window.deleteLater()

    loop.run_until_complete(scenario())
    loop.close()  # ends the default executor's threads (QThreads), before the exit
    app_s = statistics.median(app_times)
    ps_s = statistics.median(c["docker_ps_label_query_s"] for c in cli_times)
    result: dict[str, Any] = {
        "projects": PROJECTS,
        "services_each": SERVICES,
        "pane_populated_ms_median": round(app_s * 1000),
        "docker_ps_label_query_ms_median": round(ps_s * 1000),
        "ratio_to_docker_ps": round(app_s / ps_s, 2),
    }
    ls = [c["docker_compose_ls_s"] for c in cli_times if "docker_compose_ls_s" in c]
    result["docker_compose_ls_ms_median"] = round(statistics.median(ls) * 1000) if ls else None
    result.update(figures)
    return result
