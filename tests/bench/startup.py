"""Start-up: process start to the first painted window and to the first populated
Containers list (its rows painted), against a bare PySide6 window (painted, then holding
one docker SDK container list), in the same run, on the same engine. Also when the engine
is live in the app: every list in, docker info read and the events followed.

Both are fresh Python processes, timed from spawn to the lines each prints when its window
is first painted and when its list is there; peak RSS (VmHWM) is read from /proc at the
list. Rounds alternate between the two.
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

# The SDK is imported before PySide6, which reads the source of every module imported
# after it (about 100 ms of the SDK's import here): the baseline's list at its fastest.
BASELINE = """
import sys
import docker
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QListWidget
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() is QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("painted", flush=True)
        return False
app = QApplication([])
window = QMainWindow()
rows = QListWidget()
painted = Painted()
rows.installEventFilter(painted)
window.setCentralWidget(rows)
window.show()
app.processEvents()
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
    """Seconds from spawn to the line holding `marker`, and the peak RSS (KiB) then."""
    times, rss = _times_of_lines(argv, env, (marker,), cwd)
    return times[marker], rss


def _times_of_lines(
    argv: list[str], env: dict[str, str], markers: tuple[str, ...], cwd: Path = REPO
) -> tuple[dict[str, float], int]:
    """Seconds from spawn to each line holding one of `markers` (the last one ends the
    wait), and the peak RSS (KiB) at the last."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    seen: dict[str, float] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            for marker in markers:
                if marker in line and marker not in seen:
                    seen[marker] = time.perf_counter() - start
            if markers[-1] in seen:
                return seen, _peak_rss_kib(process.pid)
        raise RuntimeError(f"{argv[:3]} ended before printing {markers[-1]!r}")
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
        app = [sys.executable, "-m", "desktop_app.app", "--report-ready", "--report-painted"]
        app_before = app[:-1]  # an earlier revision may not know --report-painted
        bare = [sys.executable, "-c", BASELINE, engine.endpoint.host]
        _time_until_line(app, env, "containers listed")  # warm the page cache once
        _time_until_line(bare, env, "listed")
        if before is not None:
            _time_until_line(app_before, env, "containers listed", cwd=before)
        app_s, bare_s, app_rss, bare_rss, before_s = [], [], [], [], []
        app_paint, bare_paint, app_live = [], [], []
        for n in range(rounds):
            times, rss = _times_of_lines(
                app, env, ("window painted", "rows painted", "containers listed")
            )
            app_s.append(times.get("rows painted", float("nan")))
            app_live.append(times["containers listed"])
            app_paint.append(times.get("window painted", float("nan")))
            app_rss.append(rss)
            if before is not None:
                seconds, _rss = _time_until_line(app_before, env, "containers listed",
                                                 cwd=before)  # fmt: skip
                before_s.append(seconds)
                _say(f"round {n + 1}: dockyard as of {revision} {before_s[-1] * 1000:.0f} ms")
            times, rss = _times_of_lines(bare, env, ("painted", "listed"))
            bare_s.append(times["listed"])
            bare_paint.append(times.get("painted", float("nan")))
            bare_rss.append(rss)
            _say(f"round {n + 1}: dockyard painted {app_paint[-1] * 1000:.0f} ms, rows "
                 f"{app_s[-1] * 1000:.0f} ms, live {app_live[-1] * 1000:.0f} ms; bare window "
                 f"painted {bare_paint[-1] * 1000:.0f} ms, + SDK list {bare_s[-1] * 1000:.0f} "
                 "ms")  # fmt: skip
        app_ms, bare_ms = statistics.median(app_s) * 1000, statistics.median(bare_s) * 1000
        compared = {}
        if before_s:
            before_ms = statistics.median(before_s) * 1000
            compared = {
                "against": revision,
                "dockyard_as_of_against_ms_median": round(before_ms),
                # An earlier revision says only when the engine is live: compared with that.
                "now_over_against": round(statistics.median(app_live) * 1000 / before_ms, 2),
            }
        return {
            "containers": CONTAINERS,
            "rounds": rounds,
            "dockyard_to_rows_painted_ms_median": round(app_ms),
            "bare_pyside6_window_plus_sdk_list_ms_median": round(bare_ms),
            "ratio": round(app_ms / bare_ms, 2),
            "goal_ratio_at_most": 1.3,
            "dockyard_to_engine_live_ms_median": round(statistics.median(app_live) * 1000),
            "dockyard_first_paint_ms_median": round(statistics.median(app_paint) * 1000),
            "bare_window_first_paint_ms_median": round(statistics.median(bare_paint) * 1000),
            "first_paint_ratio": round(
                statistics.median(app_paint) / statistics.median(bare_paint), 2
            ),
            "dockyard_peak_rss_mib_median": round(statistics.median(app_rss) / 1024, 1),
            "bare_peak_rss_mib_median": round(statistics.median(bare_rss) / 1024, 1),
            **compared,
        }
    finally:
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()
