"""The Logs tab against the real engine: follow, restarts, search, bounded memory, export."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from desktop_app.ansi import strip
from desktop_app.widgets.log_view import DISPLAY_LIMIT, NOTICE, LogModel, LogView
from desktop_app.window import MainWindow
from engine_bridge import STDOUT, LogLine
from tests.bridge.helpers import docker_async
from tests.gui.conftest import until


def open_logs(window: MainWindow, name: str) -> Any:
    pane = window.containers_pane
    pane.select([name])
    pane.details.show_tab("Logs")
    return pane.details.logs


def texts(panel: Any) -> list[str]:
    return [strip(row.text) for row in panel.model.rows]


def test_follow_restart_search_and_only_matching(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    script = (
        "i=0; while [ $i -lt 5 ]; do i=$((i+1)); echo line $i; "
        "printf '\\033[31mred\\033[0m\\n' >&2; done; sleep 300"
    )
    cli("run", "-d", *label, "--name", name, busybox_image, "sh", "-c", script)

    async def scenario() -> None:
        await until(lambda: any(c.name == name for c in window.containers_pane.model.containers()),
                    2, "row")  # fmt: skip
        panel = open_logs(window, name)
        await until(lambda: "line 5" in texts(panel), 5, "the log so far")
        assert texts(panel).count("red") == 5, "colour codes are not part of the text"
        await docker_async("restart", "-t", "0", name)
        await until(lambda: texts(panel).count("line 5") == 2, 10, "the new run's lines")
        notices = [r.text for r in panel.model.rows if r.stream == NOTICE]
        assert any("stopped" in n for n in notices)
        assert any("started again" in n for n in notices)
        panel.search.setText("line [0-9]")
        assert panel.match_label.text() == "0 matches"
        panel.regex.setChecked(True)
        assert panel.match_label.text() == "10 matches"
        panel.step(1)
        assert panel.match_label.text() == "1 of 10"
        panel.only_matching.setChecked(True)
        assert all(re.match(r"line \d", t) for t in texts(panel))
        assert len(texts(panel)) == 10

    run(scenario())


def test_bounded_view_long_line_and_export(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any, tmp_path: Path,
) -> None:  # fmt: skip
    cli("run", *label, "--name", name, busybox_image, "sh", "-c",
        "seq 1 3000; head -c 1048576 /dev/zero | tr '\\0' y; echo")  # fmt: skip

    async def scenario() -> None:
        await until(lambda: any(c.name == name for c in window.containers_pane.model.containers()),
                    2, "row")  # fmt: skip
        panel = open_logs(window, name)
        panel.model.max_lines = 1000
        panel.tail.setValue(0)  # all
        panel.restart()

        def last_length() -> int:
            count = panel.model.rowCount()
            return len(panel.model.line(count - 1).text) if count else 0

        await until(lambda: last_length() == 1048576, 10, "last line")
        assert len(texts(panel)) == 1000
        assert panel.model.dropped == 2001
        assert "2,001 older lines let go" in panel.status.text()
        assert DISPLAY_LIMIT < 1048576, "the view paints a part of the megabyte line"
        panel.view.selectionModel().clear()
        last = panel.model.index(panel.model.rowCount() - 1)
        panel.view.selectionModel().select(last, panel.view.selectionModel().SelectionFlag.Select)
        assert len(panel.view.copy_selection()) == 1048576, "copy takes the whole line"
        written = await panel.export(str(tmp_path / "all.log"))
        assert written == 3001

    run(scenario())
    exported = (tmp_path / "all.log").read_text().splitlines()
    assert exported[0] == "1"
    assert exported[2999] == "3000"
    assert exported[3000] == "y" * 1048576


def test_escape_codes_and_control_bytes_show_as_a_terminal_shows_them(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    script = (
        "printf '\\033[?25l\\033[?1049hstarting\\033[?25h\\n'; "
        "printf 'nul\\000 and bell\\007 gone\\n'; "
        "for n in 10 50 100; do printf '\\rprogress %s%%' $n; done; printf '\\n'; "
        "printf 'col\\tumns\\n'"
    )
    cli("run", *label, "--name", name, busybox_image, "sh", "-c", script)

    async def scenario() -> None:
        await until(lambda: any(c.name == name for c in window.containers_pane.model.containers()),
                    2, "row")  # fmt: skip
        panel = open_logs(window, name)
        await until(lambda: len(panel.model.rows) >= 4, 5, "the log")
        model = panel.model
        shown = [model.index(row).data() for row in range(model.rowCount())]
        assert shown[:4] == ["starting", "nul and bell gone", "progress 100%", "col     umns"]

    run(scenario())


def test_each_container_opens_with_a_fresh_view_and_searching_keeps_follow(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    for which in ("a", "b"):
        cli("run", "-d", *label, "--name", f"{name}-{which}", busybox_image, "sh", "-c",
            f"echo hello from {which}; echo other; sleep 300")  # fmt: skip

    async def scenario() -> None:
        containers = window.containers_pane.model.containers
        await until(lambda: sum(c.name.startswith(name) for c in containers()) == 2, 3, "rows")
        panel = open_logs(window, f"{name}-a")
        await until(lambda: "hello from a" in texts(panel), 5, "a's log")
        panel.search.setText("hello")
        panel.search.returnPressed.emit()  # Enter: go to the first match
        assert panel.match_label.text() == "1 of 1"
        assert panel.follow.isChecked(), "searching does not stop following"
        panel.only_matching.setChecked(True)
        # Another container: its own, fresh view.
        panel = open_logs(window, f"{name}-b")
        await until(lambda: "hello from b" in texts(panel), 5, "b's log")
        assert panel.search.text() == ""
        assert not panel.only_matching.isChecked()
        assert panel.follow.isChecked()
        assert panel.match_label.text() == ""
        assert texts(panel)[:2] == ["hello from b", "other"]

    run(scenario())


def test_a_followed_log_shows_its_last_line_after_a_burst(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sh", "-c",
        "seq 1 3000; sleep 300")  # fmt: skip

    async def scenario() -> None:
        await until(lambda: any(c.name == name for c in window.containers_pane.model.containers()),
                    2, "row")  # fmt: skip
        panel = open_logs(window, name)
        await until(lambda: "3000" in texts(panel), 10, "the whole burst")
        view = panel.view
        bar = view.verticalScrollBar()
        await until(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), 5,
                    "the view at the bottom")  # fmt: skip
        bottom = view.indexAt(view.viewport().rect().bottomLeft() + QPoint(4, -4))
        assert bottom.isValid()
        assert bottom.row() == panel.model.rowCount() - 1, "the last line is on screen"

    run(scenario())


def test_wrapped_lines_take_the_rows_they_need_and_unwrapped_one_each(qtbot: QtBot) -> None:
    model = LogModel()
    view = LogView(model)
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    model.append([LogLine(STDOUT, "short"), LogLine(STDOUT, "long " * 200)])
    line = view.line_height()
    assert [view.rowHeight(row) for row in range(2)] == [line, line]
    view.set_wrap(True)
    qtbot.wait(50)
    wrapped = view.rowHeight(1)
    assert view.rowHeight(0) == line
    assert wrapped >= 5 * line, "a thousand characters wrap into several lines at 500 px"
    view.resize(300, 300)  # narrower: more lines
    qtbot.wait(50)
    assert view.rowHeight(1) > wrapped
    view.set_wrap(False)
    assert [view.rowHeight(row) for row in range(2)] == [line, line]
