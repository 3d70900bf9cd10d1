"""The command log: every action's docker command kept with when and how it ended, shown again
at the next launch, each option explained on hover, copied, exported as a shell script, and
typed into a shell on this computer that reaches the same engine."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTreeWidgetItem

from desktop_app.command_log import CommandLog
from desktop_app.panes.local_terminal import LocalTerminalTab
from desktop_app.widgets.activity import COMMAND, STATE, ActivityView
from desktop_app.window import MainWindow
from engine_bridge.operations import OperationState
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import until


def _items(view: ActivityView, text: str) -> list[QTreeWidgetItem]:
    found = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    return [item for item in found if item is not None and text in item.text(COMMAND)]


def _volumes(name: str, host: str) -> list[str]:
    listed = subprocess.run(["docker", "volume", "ls", "-q", "--filter", f"name=^{name}$"],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "DOCKER_HOST": host})  # fmt: skip
    return listed.stdout.split()


def test_commands_are_kept_explained_exported_and_tried_in_a_terminal(
    window: MainWindow, run: Any, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane = window.volumes_pane
    bad = f"{name} has spaces"

    async def act() -> None:
        made = await pane.create_volume(name, labels={TEST_LABEL: "1"})
        assert made is not None
        assert made.state is OperationState.SUCCEEDED
        assert await pane.create_volume(bad, labels={TEST_LABEL: "1"}) is None, "refused"

    run(act())
    created = f"docker volume create --label {TEST_LABEL}=1 {name}"
    log = window.activity.log
    assert log is not None
    mine = [e for e in log.entries() if name in e.command]
    assert [(e.command, e.outcome) for e in mine] == [
        (created, "done"), (f"docker volume create --label {TEST_LABEL}=1 '{bad}'", "failed"),
    ]  # fmt: skip
    assert mine[1].detail, "the engine's refusal is kept in words"
    assert mine[0].engine == window.session.provider.label  # type: ignore[union-attr]

    # The next launch shows them, with their outcome; hovering a command explains its options.
    later = ActivityView(CommandLog(log.path.parent))
    later.show()  # read when the drawer opens, not at start-up
    done, failed = _items(later, created)[0], _items(later, "has spaces")[0]
    assert done.text(STATE) == "Done"
    assert failed.text(STATE) == "Failed"
    assert failed.toolTip(STATE) == mine[1].detail
    assert "--label dockyard.test=1: A key=value note stored with the volume." in done.toolTip(
        COMMAND
    )

    # Chosen commands are copied and exported oldest first; the script can be run.
    for item in (failed, done):
        item.setSelected(True)
    later.copy_selected()
    assert QGuiApplication.clipboard().text().splitlines() == [mine[0].command, mine[1].command]
    script = tmp_path / "again.sh"
    assert later.export_script(str(script)) == 2
    written = script.read_text().splitlines()
    assert written[0] == "#!/bin/sh"
    assert [line for line in written if line.startswith("docker ")] == [mine[0].command,
                                                                       mine[1].command]  # fmt: skip
    assert any(line.startswith("#   ") for line in written), "the failure said in a comment"
    assert script.stat().st_mode & stat.S_IXUSR
    later.deleteLater()

    # Tried in a terminal: a shell on this computer, the command typed in but not run, and
    # run when the learner presses Enter: against the engine the app uses.
    assert window.session is not None
    host = window.session.provider.endpoint.host
    subprocess.run(["docker", "volume", "rm", name], check=True, capture_output=True,
                   env={**os.environ, "DOCKER_HOST": host})  # fmt: skip
    # Whatever this process's own DOCKER_HOST says, the shell reaches the engine in use.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    activity = window.activity
    activity.tree.clearSelection()
    _items(activity, created)[0].setSelected(True)
    assert activity.type_button.isEnabled()
    activity.type_button.click()
    terminals = window.terminals_pane
    tab = terminals.tabs.currentWidget()
    assert isinstance(tab, LocalTerminalTab)
    assert window.stack.currentWidget() is terminals

    async def try_it() -> None:
        await until(lambda: created in tab.view.text(), 10, "the command typed in")
        assert _volumes(name, host) == [], "typed in, not run"
        tab.view.send(b"\r")
        await until(
            lambda: _volumes(name, host) == [name], 15, "the shell's docker made the volume"
        )
        await until(lambda: tab.view.text().count(name) >= 2, 5, "docker printed its name")
        tab.view.send(b"exit\r")
        await until(lambda: tab.ended.is_set(), 10, "the shell ended")

    run(try_it())
    terminals.tabs.tabCloseRequested.emit(terminals.tabs.indexOf(tab))


def test_the_log_is_bounded(tmp_path: Path) -> None:
    from desktop_app.command_log import LoggedCommand

    log = CommandLog(tmp_path, keep=40)
    for number in range(120):
        log.add(LoggedCommand(float(number), "Stop", f"docker stop c{number}", "done"))
    kept = log.entries()
    assert len(kept) == 40
    assert kept[-1].command == "docker stop c119"
    assert len(log.path.read_text().splitlines()) <= 50
