"""What people expect of a desktop app: a menu bar with Settings, the panes by Ctrl+1..9,
Go to anything (Ctrl+K), Learn Docker pages, the shortcuts and About; a theme that switches
live; every control named for screen readers; a terminal opened from the Terminals pane;
and word of long work that ended while the window was in the back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from desktop_app import settings, theme
from desktop_app.dialogs.palette import CommandPalette
from desktop_app.dialogs.reading import ReadingDialog
from desktop_app.dialogs.settings_dialog import SettingsDialog
from desktop_app.dialogs.terminal_options import OpenTerminalDialog
from desktop_app.panes import PANES
from desktop_app.panes.terminals import TerminalTab
from desktop_app.tray import ending_words
from desktop_app.window import MainWindow
from engine_bridge import EngineError, ErrorKind, Operation, OperationState
from tests.bridge.helpers import docker_async
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import until

#: What a screen reader must be able to name, by the role Qt gives the control.
_NAMED_ROLES = {
    QAccessible.Role.PushButton, QAccessible.Role.CheckBox, QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox, QAccessible.Role.EditableText, QAccessible.Role.SpinBox,
    QAccessible.Role.List, QAccessible.Role.Table, QAccessible.Role.Tree,
    QAccessible.Role.PageTabList, QAccessible.Role.ButtonMenu, QAccessible.Role.ButtonDropDown,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKYARD_CONFIG_DIR", str(tmp_path))


@pytest.fixture(autouse=True)
def _light_afterwards() -> Any:
    yield
    theme.apply(theme.Choice.LIGHT)


def nameless(root: QWidget) -> list[str]:
    """The visible controls under `root` that a screen reader could not name."""
    found: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if node is None or depth > 60:
            return
        state = node.state()
        if state.invisible or state.offscreen:
            return
        if node.role() in _NAMED_ROLES and not node.text(QAccessible.Text.Name).strip():
            widget = node.object()
            found.append(f"{node.role().name} {type(widget).__name__} "
                         f"{widget.objectName() if widget else ''}")  # fmt: skip
        for index in range(node.childCount()):
            walk(node.child(index), depth + 1)

    walk(QAccessible.queryAccessibleInterface(root), 0)
    return found


def test_every_control_of_every_pane_has_a_name(
    window: MainWindow, busybox_image: str, name: str, run: Any, qtbot: QtBot
) -> None:
    async def scenario() -> None:
        await docker_async("run", "-d", "--label", f"{TEST_LABEL}=1", "--name", name,
                           "-v", f"{name}:/data", busybox_image, "sleep", "600")  # fmt: skip
        await until(lambda: name in {r.name for r in window.terminals_pane.running()}, 10,
                    "running")  # fmt: skip
        await until(lambda: window.volumes_pane.model.row(name) is not None, 10, "volume")

    run(scenario())
    window.resize(1440, 900)
    missing: dict[str, list[str]] = {}
    for title in window.panes:
        window.show_pane(title)
        qtbot.wait(50)
        missing[title] = nameless(window)
    # Each tab of the details, for a container, an image and a volume.
    window.show_pane("Containers")
    window.containers_pane.select([name])
    window.images_pane.select(next(iter(window.images_pane.findables()))[1])
    window.volumes_pane.select(name)
    for pane in (window.containers_pane, window.images_pane, window.volumes_pane):
        window.show_pane(pane.title)
        details = pane.details
        assert details is not None
        for index in range(details.count()):  # type: ignore[attr-defined]
            details.setCurrentIndex(index)  # type: ignore[attr-defined]
            qtbot.wait(100)
            tab = details.tabText(index)  # type: ignore[attr-defined]
            missing[f"{pane.title}: {tab}"] = nameless(window)
    # The window's own dialogs too.
    for dialog in (SettingsDialog(window), CommandPalette(window.palette_entries(), window)):
        dialog.show()
        qtbot.waitExposed(dialog)
        missing[type(dialog).__name__] = nameless(dialog)
        dialog.close()
    problems = [f"{where}: {', '.join(names)}" for where, names in missing.items() if names]
    assert not problems, "nameless controls:\n" + "\n".join(problems)


def test_each_sidebar_entry_names_its_pane() -> None:
    assert [entry.load().title for entry in PANES] == [entry.title for entry in PANES]


def test_a_pane_is_made_when_first_shown_with_what_the_engine_has(
    window: MainWindow, name: str, run: Any
) -> None:
    """Start-up builds the Containers list only; another pane, shown for the first time,
    lists at once what the engine had all along, and Go to anything finds objects of
    panes never shown."""
    assert list(window.stack.made_panes()) == ["Containers"]

    async def scenario() -> None:
        await docker_async("volume", "create", "--label", f"{TEST_LABEL}=1", name)
        assert window.session is not None
        assert window.session.state is not None
        state = window.session.state
        await until(lambda: name in state.of("volume"), 10, "the volume in the engine's state")

    run(scenario())
    assert "Volumes" not in window.stack.made_panes()
    window.show_pane("Volumes")
    assert window.stack.currentWidget() is window.panes["Volumes"]
    assert window.volumes_pane.model.row(name) is not None
    assert window.volumes_pane.isVisible()
    # The palette searches every pane, made for it if need be.
    found = [e for e in window.palette_entries() if e.words == name]
    assert [e.what for e in found] == ["Volume"]
    assert set(window.stack.made_panes()) == set(window.panes)


def test_the_menu_bar_has_what_a_desktop_app_has(window: MainWindow, qtbot: QtBot) -> None:
    menus: dict[str, QMenu] = {
        a.text().replace("&", ""): a.menu()  # type: ignore[misc]
        for a in window.menuBar().actions()
    }
    assert list(menus) == ["File", "View", "Help"]

    def words(menu: QMenu) -> list[str]:
        return [a.text().replace("&", "") for a in menu.actions() if a.text()]

    assert {"Settings…", "Quit"} <= set(words(menus["File"]))
    assert {"Go to anything…", "Activity drawer", "Theme"} <= set(words(menus["View"]))
    assert {"Learn Docker", "Keyboard shortcuts", "About Dockyard"} <= set(words(menus["Help"]))

    # Ctrl+1..9 switch to the first nine panes, from wherever the focus is.
    window.containers_pane.filter_box.setFocus()
    for number, title in list(enumerate(window.panes, start=1))[:9]:
        QTest.keyClick(window.focusWidget() or window, Qt.Key(Qt.Key.Key_0 + number),
                       Qt.KeyboardModifier.ControlModifier)  # fmt: skip
        assert window.stack.currentWidget() is window.panes[title]

    # A Learn Docker page reads the texts the panes show.
    learn = next(a.menu() for a in menus["Help"].actions() if a.text() == "&Learn Docker")
    assert isinstance(learn, QMenu)
    restart = next(a for a in learn.actions() if a.text() == "Restart policies")
    restart.trigger()
    page = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ReadingDialog)
                and w.isVisible())  # fmt: skip
    assert "Unless stopped" in page.page.toPlainText()
    page.close()

    # The shortcuts page lists the panes' keys too.
    window.open_shortcuts()
    page = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ReadingDialog)
                and w.isVisible() and w.windowTitle() == "Keyboard shortcuts")  # fmt: skip
    listed = page.page.toPlainText()
    for expected in ("Go to anything", "Ctrl+K", "Kill", "Ctrl+Shift+K"):
        assert expected in listed
    page.close()


def test_go_to_anything_finds_a_container_by_typing(
    window: MainWindow, busybox_image: str, name: str, run: Any, qtbot: QtBot
) -> None:
    async def scenario() -> None:
        await docker_async("create", "--label", f"{TEST_LABEL}=1", "--name", name, busybox_image)
        await until(lambda: name in {c.name for c in window.containers_pane.model.containers()},
                    10, "the container listed")  # fmt: skip

    run(scenario())
    window.show_pane("Volumes")
    window.containers_pane.show_stopped.setChecked(False)
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, CommandPalette))
    palette = window.dialog
    assert isinstance(palette, CommandPalette)
    QTest.keyClicks(palette.query, name[-6:])
    first = palette.results.item(0)
    assert first is not None
    assert first.text().startswith(name)
    QTest.keyClick(palette.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.dialog is None)
    assert window.stack.currentWidget() is window.containers_pane
    selected = [c.name for c in window.containers_pane.selected()]
    assert selected == [name], "shown although it is stopped"

    # Actions are there by their words, and only where they apply now.
    entries = {(e.words, e.what) for e in window.palette_entries()}
    assert ("Go to Images", "Pane") in entries
    assert ("Pull…", "Images action") in entries
    assert ("Settings…", "Menu") in entries


def test_the_theme_switches_live_and_is_kept(window: MainWindow, qtbot: QtBot) -> None:
    window.show_pane("Containers")
    window.choose_theme(theme.Choice.DARK)
    background = window.palette().color(QPalette.ColorRole.Window)
    assert background.lightness() < 80
    assert theme.dark()
    assert theme.colour("text") == theme.DARK["text"]
    assert settings.store().value("appearance/theme") == "dark"
    # What draws its own colours follows: the sidebar's icons are drawn anew.
    icon = window.sidebar.item(0).icon().pixmap(20, 20).toImage()
    inked = [icon.pixelColor(x, y) for x in range(20) for y in range(20)
             if icon.pixelColor(x, y).alpha() > 200]  # fmt: skip
    assert inked
    assert min(c.lightness() for c in inked) > 150, "light lines on dark"
    window.choose_theme(theme.Choice.LIGHT)
    assert window.palette().color(QPalette.ColorRole.Window).lightness() > 200

    dialog = SettingsDialog(window)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    dialog.engine_box.setCurrentIndex(dialog.engine_box.findData("system"))
    dialog.save()
    assert theme.dark()
    assert settings.store().value("engine/at-launch") == "system"


def test_the_terminals_pane_opens_a_terminal_itself(
    window: MainWindow, busybox_image: str, name: str, run: Any, qtbot: QtBot
) -> None:
    pane = window.terminals_pane

    async def scenario() -> None:
        await docker_async("run", "-d", "--label", f"{TEST_LABEL}=1", "--name", name,
                           busybox_image, "sleep", "600")  # fmt: skip
        await until(lambda: name in {r.name for r in pane.running()}, 10, "running")

    run(scenario())
    window.show_pane("Terminals")
    assert pane.new_button.isEnabled()
    pane.new_button.click()
    qtbot.waitUntil(lambda: isinstance(pane.dialog, OpenTerminalDialog))
    dialog = pane.dialog
    assert isinstance(dialog, OpenTerminalDialog)
    dialog.container.setCurrentIndex(dialog.container.findText(name))
    assert f"docker exec -it {name} sh" in dialog.hint.text()
    dialog.accept()
    qtbot.waitUntil(lambda: pane.tabs.count() == 1, timeout=10000)
    tab = pane.tab(0)
    assert isinstance(tab, TerminalTab)
    qtbot.waitUntil(lambda: tab.terminal is not None, timeout=10000)
    QTest.keyClicks(tab.view, "echo made-$((6*7))\r")
    qtbot.waitUntil(lambda: "made-42" in tab.view.text(), timeout=10000)
    run(pane.close_all())


def _finished(state: OperationState, took: float, error: EngineError | None = None) -> Any:
    operation: Operation[Any] = Operation("Pull 127.0.0.1:5000/web:1.0", ("docker", "pull"),
                                          work=lambda _op: None)  # fmt: skip
    operation.started_at = time.time() - took
    operation.finished_at = operation.started_at + took
    operation.state = state
    operation.error = error
    return operation


def test_long_work_that_ends_in_the_back_is_announced(window: MainWindow) -> None:
    assert ending_words(_finished(OperationState.SUCCEEDED, 1.0)) is None, "quick work: no word"
    done = ending_words(_finished(OperationState.SUCCEEDED, 75.0))
    assert done == ("Done: Pull 127.0.0.1:5000/web:1.0", "Finished after 1 min 15 s.")
    failed = ending_words(
        _finished(
            OperationState.FAILED,
            9.0,
            EngineError(
                ErrorKind.REGISTRY_UNREACHABLE, "Cannot reach 127.0.0.1:5000", "connection refused"
            ),
        )
    )
    assert failed == ("Failed: Pull 127.0.0.1:5000/web:1.0",
                      "Cannot reach 127.0.0.1:5000. Connection refused.")  # fmt: skip

    other = QDialog()
    other.show()
    other.activateWindow()
    window.tray.operation_changed(_finished(OperationState.SUCCEEDED, 30.0))
    if not window.isActiveWindow():
        assert window.tray.told[-1][0] == "Done: Pull 127.0.0.1:5000/web:1.0"
    other.close()
    settings.store().setValue("notify/long-work", "false")
    before = len(window.tray.told)
    window.tray.operation_changed(_finished(OperationState.SUCCEEDED, 30.0))
    assert len(window.tray.told) == before, "the user said no"


def test_the_row_under_the_mouse_offers_its_common_verbs(
    window: MainWindow, busybox_image: str, name: str, run: Any, qtbot: QtBot
) -> None:
    pane = window.containers_pane

    async def scenario() -> None:
        quits_on_term = "trap 'exit 0' TERM; sleep 600 & wait"
        await docker_async("run", "-d", "--label", f"{TEST_LABEL}=1", "--name", name,
                           busybox_image, "sh", "-c", quits_on_term)  # fmt: skip
        await until(lambda: name in {r.name for r in window.terminals_pane.running()}, 10,
                    "running")  # fmt: skip

    run(scenario())
    window.show_pane("Containers")
    pane.filter_box.setText(name)
    qtbot.waitUntil(lambda: pane.proxy.rowCount() >= 1)
    index = pane.proxy.index(0, 0)
    while pane.proxy.rowCount(index):  # a Compose project row holds the container
        index = pane.proxy.index(0, 0, index)
    centre = pane.view.visualRect(index).center()
    QTest.mouseMove(pane.view.viewport(), centre)
    qtbot.waitUntil(lambda: pane.row_actions.isVisible())
    words = [b.toolTip() for b in pane.row_actions.buttons]
    assert words == ["Stop", "Open a terminal", "Show the logs", "Remove…"]
    pane.row_actions.buttons[0].click()
    assert [c.name for c in pane.selected()] == [name], "the verb acts on the row pointed at"

    async def stopped() -> None:
        await until(lambda: name not in {r.name for r in window.terminals_pane.running()},
                    30, "stopped")  # fmt: skip

    run(stopped())
    QTest.mouseMove(pane.view.viewport(), centre + QPoint(0, 1))
    QTest.mouseMove(pane.view.viewport(), centre)
    qtbot.waitUntil(lambda: pane.row_actions.isVisible())
    assert pane.row_actions.buttons[0].toolTip() == "Start"
