"""A followed log that the engine ends or stalls while the container still runs and writes
is read on from where it stopped: the view ends up with every line the engine holds, none
twice. The engine is real; a proxy in front of it cuts or stalls the one follow stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.widgets.log_view import NOTICE
from desktop_app.window import MainWindow
from tests.engine_proxy import EngineProxy
from tests.gui.conftest import until

FOLLOW = r"GET /v[\d.]+/containers/[^/]+/logs\?.*follow=1"
LINES = 200_000


def _follow_a_burst(
    window: MainWindow, cli: Callable[..., Any], label: list[str], name: str, run: Any,
    tty: bool = False,
) -> Any:  # fmt: skip
    """Start a container that writes LINES lines at once after a moment, and follow its
    whole log; returns the logs panel once every line is there (or fails)."""
    script = f"sleep 2; seq 1 {LINES}; sleep 300"
    flags = ["-t"] if tty else []
    cli("run", "-d", *flags, *label, "--name", name, "dockyard-test/busybox:latest", "sh", "-c",
        script)  # fmt: skip
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


@pytest.mark.parametrize("tty", [False, True], ids=["plain", "tty"])
def test_a_follow_stream_cut_mid_burst_is_read_on(
    proxied_window: MainWindow, proxy: EngineProxy, cli: Callable[..., Any],
    label: list[str], name: str, run: Any, tty: bool,
) -> None:  # fmt: skip
    fault = proxy.cut(FOLLOW, after=300_000)
    _follow_a_burst(proxied_window, cli, label, name, run, tty)
    assert fault.hits == 1


def test_a_follow_stream_that_stalls_is_read_on(
    proxied_window: MainWindow, proxy: EngineProxy, cli: Callable[..., Any],
    label: list[str], name: str, run: Any,
) -> None:  # fmt: skip
    fault = proxy.stall(FOLLOW, after=300_000)
    proxied_window.containers_pane.details.logs.stall_check = 0.5
    _follow_a_burst(proxied_window, cli, label, name, run)
    assert fault.hits == 1
