"""The first-run guide, driven as a newcomer would, with real clicks: an image pulled through
the registry mirror stand-in (Docker Hub's nginx:alpine, served by a local registry), run
with a published port, opened, its log read, a shell opened, stopped and removed. It counts
the interactions and the app's own waiting, and checks each step's command against what was
done. Also: a registry that cannot be reached, and leaving and resuming the guide."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop_app.panes.containers.remove_dialog import RemoveContainersDialog
from desktop_app.panes.images.reference_dialog import ImageReferenceDialog
from desktop_app.panes.learn.guide import STEPS, FirstRunGuide
from desktop_app.panes.local_terminal import LocalTerminalTab
from desktop_app.panes.terminals import TerminalTab
from desktop_app.window import MainWindow
from tests.gui.conftest import until


def _texts(panel: Any) -> list[str]:
    return [row.text for row in panel.model.rows]


def _visited(panel: Any) -> bool:
    """The log has the browser's visit: nginx writes "GET / HTTP/1.1", busybox's httpd (the
    stand-in) "url:/"."""
    return any(mark in line for line in _texts(panel) for mark in ("GET /", "url:/"))


def test_a_newcomer_reaches_a_first_container_in_at_most_ten_interactions(
    window: MainWindow, hub_mirror: str, docker_client: Any, qtbot: Any, run: Any
) -> None:
    with contextlib.suppress(Exception):
        docker_client.api.remove_image(hub_mirror, force=True)  # as on a new computer
    opened: list[str] = []
    guide = window.show_guide(fresh=True)
    guide.open_url = opened.append  # this machine has no browser; the guide checks the page
    assert guide.step == "pull"
    assert guide.highlight.target is guide.go_button
    clicks = 0
    began = time.monotonic()

    pictures = os.environ.get("DOCKYARD_GUIDE_PICTURES")  # a folder: each step as seen

    def click(button: QPushButton) -> None:
        nonlocal clicks
        clicks += 1
        if pictures:
            target = button.window()
            target.grab().save(f"{pictures}/{clicks:02d}-{guide.step}-{button.text()}.png")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    async def scenario() -> None:
        images, containers = window.images_pane, window.containers_pane
        assert f"docker pull {hub_mirror}" in guide.command.text()
        click(guide.go_button)
        await until(lambda: isinstance(images.dialog, ImageReferenceDialog), 5, "Pull dialog")
        pull = images.dialog
        assert isinstance(pull, ImageReferenceDialog)
        assert pull.reference.text() == hub_mirror
        await until(lambda: guide.highlight.target is pull.ok_button, 2, "Pull ringed")
        click(pull.ok_button)
        try:
            await until(lambda: guide.step == "run", 60, "the image pulled through the mirror")
        except AssertionError:
            raise AssertionError(f"{images.message.text()} | {guide.status.text()}") from None

        click(guide.go_button)
        await until(lambda: containers.run_dialog is not None, 5, "Run dialog")
        dialog = containers.run_dialog
        assert dialog is not None
        await until(lambda: guide.highlight.target is dialog.ports, 2, "ports ringed")
        await until(lambda: dialog.run_button.isEnabled(), 10, "Run enabled")
        click(dialog.run_button)
        await until(lambda: guide.step == "browse", 30, "running")

        click(guide.go_button)
        await until(lambda: guide.step == "logs", 20, "the page answered")
        assert opened == [guide.url]

        click(guide.go_button)
        await until(lambda: guide.step == "terminal", 5, "logs shown")
        panel = containers.details.logs
        try:
            await until(lambda: _visited(panel), 10, "the visit logged")
        except AssertionError:
            raise AssertionError(str(_texts(panel))) from None

        click(guide.go_button)
        await until(lambda: guide.step == "stop", 10, "a shell opened")
        tab = window.terminals_pane.tabs.currentWidget()
        assert isinstance(tab, TerminalTab)
        assert not isinstance(tab, LocalTerminalTab)

        click(guide.go_button)
        await until(lambda: guide.step == "remove", 20, "stopped")

        click(guide.go_button)
        await until(lambda: containers.remove_dialog is not None, 5, "Remove dialog")
        remove = containers.remove_dialog
        assert isinstance(remove, RemoveContainersDialog)
        click(remove.remove_button)
        await until(lambda: guide.step == "done", 20, "removed")

    run(scenario())
    if pictures:
        window.grab().save(f"{pictures}/{clicks + 1:02d}-done.png")
    took = time.monotonic() - began
    figures = {"guide": "first container", "interactions": clicks,
               "app_waiting_s": round(guide.waited, 1), "took_s": round(took, 1)}  # fmt: skip
    print(json.dumps(figures))
    assert clicks <= 10
    assert guide.waited < 30
    assert re.search(r"Done, in \d+ s", guide.heading.text()), guide.heading.text()

    # Each step's command is what was done (the Activity log's own commands).
    done = guide.done_commands
    assert len(done) == len(STEPS)
    logged = window.activity.commands()
    name = guide.progress.name
    assert done[0] == f"docker pull {hub_mirror}"
    assert done[1].startswith(f"docker run -d --name {name}")
    assert f"-p 127.0.0.1:{guide.progress.host_port}:80" in done[1]
    assert done[1].endswith(hub_mirror)
    assert done[5] == f"docker stop {name}"
    assert done[6] == f"docker rm {name}"
    for command in (done[0], done[1], done[5], done[6]):
        assert command in logged, command
    assert done[4] == f"docker exec -it {name} sh"
    run(window.terminals_pane.close_all())


def test_an_unreachable_registry_is_said_and_a_local_image_offered(
    window: MainWindow, busybox_image: str, qtbot: Any, run: Any
) -> None:
    guide = window.show_guide(fresh=True)
    guide.progress.image = "127.0.0.1:9/nowhere/web:1.0"  # nothing listens on port 9
    guide.show_step()

    async def scenario() -> None:
        qtbot.mouseClick(guide.go_button, Qt.MouseButton.LeftButton)
        await until(lambda: window.images_pane.dialog is not None, 5, "Pull dialog")
        pull = window.images_pane.dialog
        assert isinstance(pull, ImageReferenceDialog)
        qtbot.mouseClick(pull.ok_button, Qt.MouseButton.LeftButton)
        await until(lambda: guide.local_row.isVisibleTo(guide), 30, "local images offered")

    run(scenario())
    said = guide.status.text()
    assert "The registry cannot be reached" in said
    assert "Traceback" not in said
    assert guide.step == "pull"
    assert guide.mirror_button.isVisibleTo(guide), "the bundled engine's mirrors can be set"
    choices = [guide.local_images.itemText(i) for i in range(guide.local_images.count())]
    assert busybox_image in choices
    guide.local_images.setCurrentText(busybox_image)
    qtbot.mouseClick(guide.use_image_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: guide.step == "run")
    assert guide.progress.image == busybox_image


def test_the_guide_is_left_and_resumed_where_it_was(window: MainWindow, qtbot: Any) -> None:
    guide = window.show_guide(fresh=True)
    guide.progress.step = 1  # the image is here: run it
    guide.progress.save()
    qtbot.mouseClick(guide.leave_button, Qt.MouseButton.LeftButton)
    assert window.guide_dock is not None
    assert not window.guide_dock.isVisible()
    again = window.show_guide()
    assert isinstance(again, FirstRunGuide)
    assert again.step == "run"
    assert window.guide_dock.isVisible()
    assert "Step 2 of 7" in again.counter.text()
