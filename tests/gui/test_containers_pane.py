"""The Containers pane against the real engine: live rows, actions, confirmation, ports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_app.panes.containers.model import CREATED, NAME, PORTS, STATUS
from desktop_app.window import MainWindow
from tests.bridge.helpers import docker_async
from tests.gui.conftest import answer_choice, container_row, until


def rows_by_name(window: MainWindow) -> dict[str, Any]:
    return {c.name: c for c in window.containers_pane.model.containers()}


def status_text(window: MainWindow, name: str) -> str:
    """What the Status cell of the row named `name` says, as the view shows it."""
    index = container_row(window, name)
    return str(index.siblingAtColumn(STATUS).data()) if index is not None else ""


def test_cli_changes_show_as_row_changes_within_a_second(
    window: MainWindow, busybox_image: str, label: list[str], name: str, run: Any
) -> None:
    model = window.containers_pane.model
    resets: list[int] = []
    inserted: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda *_: inserted.append(1))

    async def scenario() -> None:
        await docker_async("create", *label, "--name", name, busybox_image, "sleep", "300")
        await until(lambda: name in rows_by_name(window), 1.0, "new row")
        assert status_text(window, name) == "Created"
        await docker_async("start", name)
        await until(lambda: status_text(window, name).startswith("Up "), 1.0, "running row")
        await docker_async("stop", "-t", "0", name)
        await until(lambda: status_text(window, name).startswith("Exited (137)"), 1.0, "exit")
        await docker_async("rm", name)
        await until(lambda: name not in rows_by_name(window), 1.0, "row removed")

    run(scenario())
    assert resets == []
    assert inserted


def test_every_action_from_the_toolbar(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli(
        "create", *label, "--name", name, busybox_image,
        "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done",
    )  # fmt: skip
    pane = window.containers_pane

    def state() -> str:
        row = rows_by_name(window).get(name)
        return row.state if row else "gone"

    async def trigger(action: Any, expected: str) -> None:
        pane.select([name])
        assert action.isEnabled(), f"{action.text()} should be enabled in state {state()}"
        action.trigger()
        await until(lambda: state() == expected, 10, f"{action.text()} -> {expected}")

    async def scenario() -> None:
        await until(lambda: name in rows_by_name(window), 2, "row")
        await trigger(pane.start_action, "running")
        await trigger(pane.pause_action, "paused")
        assert pane.pause_action.text() == "Unpause"
        await trigger(pane.pause_action, "running")
        await trigger(pane.stop_action, "exited")
        await trigger(pane.restart_action, "running")
        # Kill asks first, as Remove does.
        pane.select([name])
        killing = asyncio.ensure_future(pane.kill(pane.selected()))
        words = await answer_choice(pane, "kill")
        assert name in words
        assert "SIGKILL" in words
        assert await killing
        await until(lambda: state() == "exited", 10, "killed")

    run(scenario())
    commands = window.activity.commands()
    assert commands[:2] == [f"docker kill {name}", f"docker restart {name}"]
    assert f"docker start {name}" in commands
    assert f"docker pause {name}" in commands


def test_remove_asks_first_and_lists_what_goes(
    window: MainWindow, qtbot: QtBot, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, "-v", "/cache", busybox_image, "sleep", "300")
    cli("create", *label, "--name", f"{name}-b", busybox_image)
    volume = cli("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", name).stdout.strip()
    pane = window.containers_pane

    async def open_dialog() -> Any:
        await until(lambda: {name, f"{name}-b"} <= set(rows_by_name(window)), 2, "rows")
        pane.select([name, f"{name}-b"])
        pane.remove_action.trigger()
        await until(
            lambda: pane.remove_dialog is not None and pane.remove_dialog.isVisible(), 2, "dialog"
        )
        return pane.remove_dialog

    async def scenario() -> None:
        dialog = await open_dialog()
        listed = [dialog.findChild(QObject, "removeList").item(i).text() for i in range(2)]
        assert sorted(n.split()[0] for n in listed) == sorted([name, f"{name}-b"])
        dialog.reject()
        await until(lambda: pane.remove_dialog is None, 2, "dialog closed")
        assert {name, f"{name}-b"} <= set(rows_by_name(window)), "cancel removes nothing"

        dialog = await open_dialog()
        assert "1 anonymous volume" in dialog.volumes_box.text()
        dialog.volumes_box.setChecked(True)
        dialog.findChild(QObject, "confirmRemove").click()
        await until(lambda: not ({name, f"{name}-b"} & set(rows_by_name(window))), 10, "removed")

    run(scenario())
    assert cli("volume", "inspect", volume, check=False).returncode == 1
    assert f"docker rm --force --volumes {name}" in window.activity.commands()


def test_a_failed_action_shows_on_its_row(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("create", *label, "--name", name, busybox_image, "/no/such/program")
    pane = window.containers_pane

    async def scenario() -> None:
        await until(lambda: name in rows_by_name(window), 2, "row")
        pane.select([name])
        pane.start_action.trigger()
        await until(lambda: "failed" in status_text(window, name), 10, "failure on the row")

    run(scenario())
    row_id = rows_by_name(window)[name].id
    error = pane.model.error(row_id)
    assert error is not None
    assert "/no/such/program" in error


class _Browser(QObject):
    """Stands in for the desktop's browser: Qt hands it the URLs it is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_published_port_opens_in_the_browser(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, "-p", "127.0.0.1::8080", busybox_image,
        "sleep", "300")  # fmt: skip
    host_port = cli("port", name, "8080/tcp").stdout.strip().rsplit(":", 1)[1]
    browser = _Browser()
    # PySide6 takes the slot name as str at run time; its stubs say bytes.
    QDesktopServices.setUrlHandler("http", browser, "open")  # type: ignore[arg-type]
    pane = window.containers_pane
    try:

        async def scenario() -> None:
            await until(lambda: name in rows_by_name(window), 2, "row")
            await until(lambda: rows_by_name(window)[name].ports, 2, "ports listed")
            proxy = pane.proxy
            index = next(
                proxy.index(r, PORTS)
                for r in range(proxy.rowCount())
                if proxy.index(r, NAME).data() == name
            )
            assert index.data() == f"127.0.0.1:{host_port}→8080/tcp"
            pane.view.clicked.emit(index)

        run(scenario())
    finally:
        QDesktopServices.unsetUrlHandler("http")
    assert browser.opened == [f"http://127.0.0.1:{host_port}"]


def test_compose_projects_group_their_containers(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    for service in ("web", "db"):
        cli("create", *label, "--name", f"{name}-{service}-1",
            "--label", f"com.docker.compose.project={name}",
            "--label", f"com.docker.compose.service={service}", busybox_image)  # fmt: skip
    pane = window.containers_pane

    async def scenario() -> None:
        await until(lambda: f"{name}-db-1" in rows_by_name(window), 2, "rows")

    run(scenario())
    proxy = pane.proxy
    groups = [proxy.index(r, NAME) for r in range(proxy.rowCount())]
    group = next(g for g in groups if g.data() == name)
    children = sorted(proxy.index(r, NAME, group).data() for r in range(proxy.rowCount(group)))
    assert children == [f"{name}-db-1", f"{name}-web-1"]
    assert group.siblingAtColumn(STATUS).data() == "0 of 2 running"
    pane.filter_box.setText(f"{name}-web")
    group = next(
        proxy.index(r, NAME) for r in range(proxy.rowCount()) if proxy.index(r, NAME).data() == name
    )
    children = [proxy.index(r, NAME, group).data() for r in range(proxy.rowCount(group))]
    assert children == [f"{name}-web-1"]
    pane.show_stopped.setChecked(False)
    assert name not in [proxy.index(r, NAME).data() for r in range(proxy.rowCount())]


def test_typing_in_the_list_filters_and_never_acts(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")
    pane = window.containers_pane

    async def scenario() -> None:
        await until(lambda: name in rows_by_name(window), 2, "row")
        pane.select([name])
        pane.view.setFocus()
        # Once, typing "shop" here paused the container (S started, P paused).
        QTest.keyClicks(pane.view, "shop")
        assert pane.filter_box.text() == "shop"
        assert pane.filter_box.hasFocus()
        await asyncio.sleep(0.5)
        assert rows_by_name(window)[name].state == "running"
        pane.filter_box.clear()
        pane.view.setFocus()
        QTest.keyClick(pane.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert pane.filter_box.hasFocus()

    run(scenario())


def test_young_containers_age_by_the_second(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")

    def created() -> str:
        index = container_row(window, name)
        return str(index.siblingAtColumn(CREATED).data()) if index is not None else ""

    async def scenario() -> None:
        await until(lambda: "ago" in created(), 3, "the created time")
        first = created()
        await until(lambda: created() != first, 2.5, "a second later, another age")

    run(scenario())


def test_many_containers_removed_at_once_leave_the_list_as_the_engine_has_it(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    """A storm (one `docker rm -f` of many) is taken as one change of the list: the rows go,
    the others and the chosen one stay."""
    pane = window.containers_pane
    doomed = [f"{name}-{n:02d}" for n in range(30)]
    project = ["--label", f"com.docker.compose.project={name}-p",
               "--label", "com.docker.compose.service=web"]  # fmt: skip
    for number, each in enumerate(doomed):
        extra = project if number % 2 else []
        cli("create", *label, *extra, "--name", each, busybox_image, "true")
    cli("create", *label, "--name", f"{name}-stays", busybox_image, "true")

    def names() -> set[str]:
        return {c.name for c in pane.model.containers()}

    async def scenario() -> None:
        await until(lambda: set(doomed) | {f"{name}-stays"} <= names(), 10, "all listed")
        pane.select([f"{name}-stays"])
        await asyncio.to_thread(cli, "rm", "-f", *doomed)
        await until(lambda: not set(doomed) & names(), 10, "all gone")
        assert f"{name}-stays" in names()
        assert [c.name for c in pane.selected()] == [f"{name}-stays"]
        listed = set(cli("ps", "-aq", "--no-trunc").stdout.split())
        assert {c.id for c in pane.model.containers()} == listed

    run(scenario())
