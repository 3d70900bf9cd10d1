"""The window around the panes: engine facts, engine loss and recovery, the no-engine offer,
the screenshot command, and what start-up does not import."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_app.window import MainWindow
from engine_bridge.blocking import run_blocking
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.engines.local import SystemEngine
from tests.bridge.helpers import docker_async
from tests.engine_support import EngineUnderTest
from tests.gui.conftest import until

REPO = Path(__file__).resolve().parents[2]


def test_engine_page_shows_what_docker_version_and_info_say(
    window: MainWindow, cli: Callable[..., Any]
) -> None:
    server = json.loads(cli("version", "--format", "{{json .Server}}").stdout)
    info = json.loads(cli("info", "--format", "{{json .}}").stdout)
    components = {c["Name"]: c["Version"] for c in server["Components"]}
    pane = window.engine_pane
    assert pane.fact("Docker Engine") == server["Version"]
    assert pane.fact("API version").startswith(server["ApiVersion"])
    assert pane.fact("containerd") == components["containerd"]
    assert pane.fact("runc") == components["runc"]
    assert pane.fact("Kernel") == info["KernelVersion"]
    assert pane.fact("Storage driver") == info["Driver"]
    assert pane.fact("CPUs") == str(info["NCPU"])
    assert server["Version"] in window.status_text.text()
    assert "running" in window.status_text.text()


def test_engine_loss_is_shown_and_the_list_recovers(
    window: MainWindow, bundled_engine: BundledEngine, busybox_image: str, label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    bundled = bundled_engine
    pane = window.containers_pane

    def names() -> set[str]:
        return {c.name for c in pane.model.containers()}

    async def scenario() -> None:
        await docker_async("create", *label, "--name", name, busybox_image)
        await until(lambda: name in names(), 2, "row before the loss")
        await run_blocking(None, bundled.stop_blocking)
        await until(lambda: window.banner.isVisible(), 5, "banner shown")
        assert "Lost the engine" in window.banner.text()
        assert "reconnecting" in window.status_text.text()
        assert name in names(), "the list keeps what was last known"
        assert not pane.start_action.isEnabled()
        await run_blocking(None, bundled.start_blocking)
        await until(lambda: not window.banner.isVisible(), 30, "banner gone")
        assert "running" in window.status_text.text()
        await docker_async("create", *label, "--name", f"{name}-after", busybox_image)
        await until(lambda: f"{name}-after" in names(), 1, "events followed again")

    run(scenario())


def test_no_engine_offers_the_bundled_one(
    qtbot: QtBot, test_engine: EngineUnderTest, tmp_path: Path, run: Any
) -> None:
    win = MainWindow()
    win.show()
    qtbot.waitExposed(win)
    missing = SystemEngine(Endpoint("test", f"unix://{tmp_path}/none.sock", "test"))

    async def scenario() -> None:
        assert not await run_blocking(None, missing.check_blocking)
        win.show_no_engine(missing.status.message)
        assert win.stack.currentWidget() is win.engine_pane
        pane = win.engine_pane
        assert pane.offer.isVisible()
        assert "No engine is listening" in pane.offer_reason.text()
        assert pane.offer_button.isEnabled()
        if test_engine.bundled is not None:
            pane.offer_button.click()
            await until(lambda: win.containers_pane.is_loaded, 60, "bundled engine in use")
            assert win.stack.currentWidget() is win.containers_pane
            assert "Bundled engine" in win.status_text.text()
        await win.drop_engine()

    try:
        run(scenario())
    finally:
        win.close()
        win.deleteLater()


def _lightness(picture: QImage, x: int, y: int) -> int:
    return int(picture.pixelColor(x, y).lightness())


def test_screenshot_command_writes_every_pane_in_both_themes_at_two_sizes(
    test_engine: EngineUnderTest, busybox_image: str, tmp_path: Path
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOCKER_HOST=test_engine.endpoint.host)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.app", "--screenshot", str(tmp_path)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sets = sorted(p.name for p in tmp_path.iterdir())
    assert sets == ["dark-1024x700", "dark-1440x900", "light-1024x700", "light-1440x900"]
    for name in sets:
        first = QImage(str(tmp_path / name / "01-containers.png"))
        width, height = (int(n) for n in name.split("-")[1].split("x"))
        assert (first.width(), first.height()) == (width, height)
        # The sidebar and the status bar: dark in the dark theme, light in the light one.
        for x, y in ((20, height - 60), (160, height - 120), (width * 2 // 3, height - 6)):
            if name.startswith("dark"):
                assert _lightness(first, x, y) < 80, (name, x, y)
            else:
                assert _lightness(first, x, y) > 200, (name, x, y)
    _check_one_set(tmp_path / "light-1440x900")


def _check_one_set(tmp_path: Path) -> None:
    pictures = sorted(p.name for p in tmp_path.glob("*.png"))
    panes = ["01-containers.png", "02-compose.png", "03-images.png", "04-volumes.png",
             "05-networks.png", "06-builds.png", "07-resources.png", "08-terminals.png",
             "09-engine.png", "10-learn.png"]  # fmt: skip
    assert pictures[: len(panes)] == panes
    # Then close-ups: a running container's Stats tab, an image's layers and digests, and
    # (where the engine has volumes) a volume's details, its files and the prune preview.
    extras = {name.split("-", 1)[1] for name in pictures[len(panes) :]}
    dialogs = {"volume-files.png", "volume-prune-preview.png", "container-duplicate.png",
               "go-to-anything.png", "settings.png", "build-dialog.png",
               "builders-and-cache.png", "compose-up.png", "compose-down.png"}  # fmt: skip
    assert extras <= {"container-stats.png", "container-logs.png", "image-layers.png",
                      "image-digests.png", "build-steps.png", "compose-project.png",
                      "volume-details.png", "port-doctor.png", "activity-command-log.png",
                      "first-container-guide.png"} | dialogs  # fmt: skip
    assert {"image-layers.png", "image-digests.png"} <= extras, "the test image is there"
    for picture in tmp_path.glob("*.png"):
        image = QImage(str(picture))
        name = picture.name.split("-", 1)[1]
        compact = {"settings.png": (360, 150), "compose-down.png": (520, 240),
                   "port-doctor.png": (500, 200)}  # fmt: skip
        smallest = compact.get(name, (560, 400) if name in dialogs else (800, 600))
        assert (image.width(), image.height()) >= smallest, picture.name
        assert image.width() >= smallest[0]


def test_start_up_leaves_heavy_modules_for_later() -> None:
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from desktop_app.window import MainWindow\n"
        "import desktop_app.app\n"
        "w = MainWindow()\n"
        "print(sorted(m for m in ('pyqtgraph', 'pyte', 'keyring') if m in sys.modules))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_hung_engine_is_named_and_switching_away_is_not_held_up(
    qtbot: QtBot, test_engine: EngineUnderTest, busybox_image: str, tmp_path: Path, run: Any
) -> None:
    from tests.fake_engines import fake_engine
    from tests.gui.conftest import provider_for

    win = MainWindow()
    win.show()
    qtbot.waitExposed(win)

    async def scenario() -> None:
        with fake_engine(tmp_path / "hung.sock") as hung:
            await win.use_engine(SystemEngine(Endpoint("hung", hung.host, "hung")))
            await until(lambda: win.banner.isVisible(), 15, "the hung engine named")
            assert "does not answer" in win.banner.text()
            assert "Cannot use the engine" in win.banner.text()
            # Switch while the next probe hangs: the switch is not held up by it.
            await until(lambda: hung.connections >= 2, 10, "probing again")
            started = asyncio.get_running_loop().time()
            await win.use_engine(provider_for(test_engine))
            assert not win.banner.isVisible(), "the old engine's banner went with it"
            assert asyncio.get_running_loop().time() - started < 3
            await until(lambda: win.containers_pane.is_loaded, 15, "the new engine's list")
            assert not win.banner.isVisible()
        await win.drop_engine()

    try:
        run(scenario())
    finally:
        win.close()
        win.deleteLater()


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise AssertionError("no free X display number between :90 and :199")


@pytest.mark.parametrize(("size", "shade"), [("1440x900", "light"), ("1024x700", "dark")])
def test_scripts_start_opens_a_window_on_a_real_x_display(
    test_engine: EngineUnderTest, busybox_image: str, tmp_path: Path, size: str, shade: str
) -> None:
    """Qt's xcb platform (what a desktop uses), on Xvfb: the set-up installs what it needs."""
    number = _free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        assert socket.exists(), "Xvfb did not start"
        env = dict(os.environ, DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb",
                   DOCKER_HOST=test_engine.endpoint.host)  # fmt: skip
        done = subprocess.run(
            [str(REPO / "scripts" / "start"), "--screenshot", str(tmp_path), "--size", size,
             "--theme", shade],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        assert [p.name for p in tmp_path.iterdir()] == [f"{shade}-{size}"]
        first = QImage(str(tmp_path / f"{shade}-{size}" / "01-containers.png"))
        width, height = (int(n) for n in size.split("x"))
        assert (first.width(), first.height()) == (width, height)
    finally:
        server.terminate()
        server.wait(10)


def test_the_window_remembers_its_size_pane_drawer_columns_and_splitter(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKYARD_CONFIG_DIR", str(tmp_path))
    first = MainWindow()
    first.remember = True
    first.restore_settings()
    first.show()
    qtbot.waitExposed(first)
    assert not first.activity_dock.isVisible(), "the drawer starts closed"
    first.resize(760, 560)  # within the offscreen screen (800x600): restoring clamps to it
    first.show_pane("Volumes")
    # Columns dragged wider and sorted by another, the details given more room.
    volumes = first.volumes_pane
    volumes.view.setColumnWidth(1, 211)
    volumes.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert volumes.details is not None
    volumes.details.show()
    volumes.splitter.setSizes([100, 300])
    volumes.splitter.splitterMoved.emit(100, 1)
    list_height, details_height = volumes.splitter.sizes()
    share = details_height / (list_height + details_height)
    assert share > 0.6, volumes.splitter.sizes()
    first.show_pane("Images")
    first.images_pane.view.setColumnWidth(0, 233)
    first.show_pane("Volumes")
    first.activity_button.click()
    assert first.activity_dock.isVisible()
    first.close()

    second = MainWindow()
    second.remember = True
    second.restore_settings()
    second.show()
    qtbot.waitExposed(second)
    try:
        assert (second.width(), second.height()) == (760, 560)
        assert second.stack.currentWidget() is second.panes["Volumes"]
        assert second.activity_dock.isVisible()
        volumes = second.volumes_pane
        assert volumes.view.columnWidth(1) == 211
        header = volumes.view.horizontalHeader()
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
            1, Qt.SortOrder.DescendingOrder)  # fmt: skip
        assert volumes.details is not None
        assert abs(volumes.details_share - share) < 0.01
        # A pane first shown later takes its own columns back then.
        assert "Images" not in second.stack.made_panes()
        second.show_pane("Images")
        assert second.images_pane.view.columnWidth(0) == 233
    finally:
        second.close()
        first.deleteLater()
        second.deleteLater()
