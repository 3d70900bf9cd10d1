"""Start-up: process start to the first populated Containers list, against a bare PySide6
window plus one docker SDK container list, in the same run, on the same engine.

Both are fresh Python processes, timed from spawn to the line each prints when its list is
there; peak RSS (VmHWM) is read from /proc right then. Rounds alternate between the two.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine_bridge.sdk import make_client
from tests.bench.list_containers import _create_containers, _say
from tests.engine_support import build_busybox_image, ensure_engine, remove_test_objects

REPO = Path(__file__).resolve().parents[2]
CONTAINERS = 50

BASELINE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QListWidget
import docker
app = QApplication([])
window = QMainWindow()
rows = QListWidget()
window.setCentralWidget(rows)
window.show()
client = docker.DockerClient(base_url=sys.argv[1], version="auto")
rows.addItems([c["Names"][0] for c in client.api.containers(all=True)])
app.processEvents()
print("listed", flush=True)
sys.stdin.read()
"""


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _time_until_line(
    argv: list[str], env: dict[str, str], marker: str, cwd: Path = REPO
) -> tuple[float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if marker in line:
                elapsed = time.perf_counter() - start
                return elapsed, _peak_rss_kib(process.pid)
        raise RuntimeError(f"{argv[:3]} ended before printing {marker!r}")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def _checkout(revision: str) -> Iterator[Path]:
    """The repository as `revision` has it, in a temporary git worktree."""
    with tempfile.TemporaryDirectory(prefix="dockyard-bench-") as folder:
        where = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(where), revision],
                       cwd=REPO, check=True, capture_output=True)  # fmt: skip
        try:
            yield where
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(where)],
                           cwd=REPO, check=False, capture_output=True)  # fmt: skip


def run(rounds: int, against: str | None = None) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        before = stack.enter_context(_checkout(against)) if against else None
        return _run(rounds, before, against)


def _run(rounds: int, before: Path | None, revision: str | None) -> dict[str, Any]:
    engine = ensure_engine()
    client = make_client(engine.endpoint)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOCKER_HOST=engine.endpoint.host)
    # The app's saved settings (theme, window) are the same for every round: none.
    env["DOCKYARD_CONFIG_DIR"] = tempfile.mkdtemp(prefix="dockyard-bench-settings-")
    # An installed app runs from compiled bytecode, as the SDK and PySide6 here already do:
    # let the warm-up round write it for our modules too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        _create_containers(client, CONTAINERS)
        app = [sys.executable, "-m", "desktop_app.app", "--report-ready"]
        bare = [sys.executable, "-c", BASELINE, engine.endpoint.host]
        _time_until_line(app, env, "containers listed")  # warm the page cache once
        _time_until_line(bare, env, "listed")
        if before is not None:
            _time_until_line(app, env, "containers listed", cwd=before)
        app_s, bare_s, app_rss, bare_rss, before_s = [], [], [], [], []
        for n in range(rounds):
            seconds, rss = _time_until_line(app, env, "containers listed")
            app_s.append(seconds)
            app_rss.append(rss)
            if before is not None:
                seconds, _rss = _time_until_line(app, env, "containers listed", cwd=before)
                before_s.append(seconds)
                _say(f"round {n + 1}: dockyard as of {revision} {before_s[-1] * 1000:.0f} ms")
            seconds, rss = _time_until_line(bare, env, "listed")
            bare_s.append(seconds)
            bare_rss.append(rss)
            _say(f"round {n + 1}: dockyard {app_s[-1] * 1000:.0f} ms, "
                 f"bare window + SDK list {bare_s[-1] * 1000:.0f} ms")  # fmt: skip
        app_ms, bare_ms = statistics.median(app_s) * 1000, statistics.median(bare_s) * 1000
        compared = {}
        if before_s:
            before_ms = statistics.median(before_s) * 1000
            compared = {
                "against": revision,
                "dockyard_as_of_against_ms_median": round(before_ms),
                "now_over_against": round(app_ms / before_ms, 2),
            }
        return {
            "containers": CONTAINERS,
            "rounds": rounds,
            "dockyard_to_listed_ms_median": round(app_ms),
            "bare_pyside6_window_plus_sdk_list_ms_median": round(bare_ms),
            "ratio": round(app_ms / bare_ms, 2),
            "goal_ratio_at_most": 1.5,
            "dockyard_peak_rss_mib_median": round(statistics.median(app_rss) / 1024, 1),
            "bare_peak_rss_mib_median": round(statistics.median(bare_rss) / 1024, 1),
            **compared,
        }
    finally:
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()
