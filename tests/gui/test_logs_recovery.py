"""A followed log that the engine ends or stalls while the container still runs and writes
is read on from where it stopped: the view ends up with every line the engine holds, none
twice. The engine is real; a proxy in front of it cuts or stalls the one follow stream."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.widgets.log_view import NOTICE
from desktop_app.window import MainWindow
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.local import SystemEngine
from tests.engine_proxy import EngineProxy, engine_proxy
from tests.engine_support import EngineUnderTest
from tests.gui.conftest import until

FOLLOW = r"GET /v[\d.]+/containers/[0-9a-f]+/logs\?.*follow=1"
LINES = 200_000


@pytest.fixture
def proxy(test_engine: EngineUnderTest, tmp_path: Path) -> Iterator[EngineProxy]:
    with engine_proxy(test_engine.endpoint.address, tmp_path / "proxy.sock") as running:
        yield running


@pytest.fixture
def proxied_window(
    qtbot: QtBot, proxy: EngineProxy, busybox_image: str, run: Any
) -> Iterator[MainWindow]:
    win = MainWindow()
    win.show()
    qtbot.waitExposed(win)

    async def open_engine() -> None:
        await win.use_engine(SystemEngine(Endpoint("proxy", proxy.host, "proxy")))
        await until(lambda: win.containers_pane.is_loaded, 15, "lists loaded")

    run(open_engine())
    yield win
    run(win.drop_engine())
    win.close()
    win.deleteLater()


def _follow_a_burst(
    window: MainWindow, cli: Callable[..., Any], label: list[str], name: str, run: Any
) -> Any:
    """Start a container that writes LINES lines at once after a moment, and follow its
    whole log; returns the logs panel once every line is there (or fails)."""
    script = f"sleep 2; seq 1 {LINES}; sleep 300"
    cli("run", "-d", *label, "--name", name, "dockyard-test/busybox:latest", "sh", "-c", script)
    pane = window.containers_pane
    panel = pane.details.logs
    panel.model.max_lines = LINES * 2
    panel.tail.setValue(0)  # the whole log

    def lines() -> list[str]:
        return [row.text for row in panel.model.rows if row.stream != NOTICE]

    async def scenario() -> None:
        await until(lambda: any(c.name == name for c in pane.model.containers()), 5, "row")
        pane.select([name])
        pane.details.show_tab("Logs")
        await until(lambda: len(lines()) >= LINES, 60, f"all {LINES:,} lines in the view")
        assert lines() == [str(n) for n in range(1, LINES + 1)], "every line once, in order"
        notices = [row.text for row in panel.model.rows if row.stream == NOTICE]
        assert not any("stopped" in n for n in notices), notices

    run(scenario())
    return panel


def test_a_follow_stream_cut_mid_burst_is_read_on(
    proxied_window: MainWindow, proxy: EngineProxy, cli: Callable[..., Any],
    label: list[str], name: str, run: Any,
) -> None:  # fmt: skip
    fault = proxy.cut(FOLLOW, after=300_000)
    _follow_a_burst(proxied_window, cli, label, name, run)
    assert fault.hits == 1


def test_a_follow_stream_that_stalls_is_read_on(
    proxied_window: MainWindow, proxy: EngineProxy, cli: Callable[..., Any],
    label: list[str], name: str, run: Any,
) -> None:  # fmt: skip
    fault = proxy.stall(FOLLOW, after=300_000)
    proxied_window.containers_pane.details.logs.stall_check = 0.5
    _follow_a_burst(proxied_window, cli, label, name, run)
    assert fault.hits == 1
