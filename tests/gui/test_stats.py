"""Live stats in the window, against the real engine: list columns, the Stats tab, the
Resources overview, and streams that exist only while something shows them."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QModelIndex

from desktop_app.panes.containers.model import CPU, MEMORY, SPARKLINE_ROLE
from desktop_app.window import MainWindow
from tests.bridge.helpers import docker_async
from tests.gui.conftest import container_row, until


def _row(window: MainWindow, name: str) -> QModelIndex:
    found = container_row(window, name)
    assert found is not None, f"no row named {name}"
    return found


def _id_of(window: MainWindow, name: str) -> str:
    return next(c.id for c in window.containers_pane.model.containers() if c.name == name)


def _cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else str(item.text())


def _points(curve: Any) -> int:
    times, _values = curve.getData()
    return 0 if times is None else len(times)


def _streaming(window: MainWindow) -> frozenset[str]:
    assert window.session is not None
    watch = window.session.stats.watch
    assert watch is not None
    return watch.streaming


def test_list_shows_cpu_and_memory_of_running_containers_only_while_shown(
    window: MainWindow, busybox_image: str, label: list[str], name: str, run: Any
) -> None:
    pane = window.containers_pane

    async def scenario() -> None:
        await docker_async("run", "-d", *label, "--name", f"{name}-busy", busybox_image,
                           "sh", "-c", "while :; do :; done")  # fmt: skip
        await docker_async("create", *label, "--name", f"{name}-off", busybox_image, "true")
        await until(lambda: _row(window, f"{name}-busy").siblingAtColumn(CPU).data()
                    not in ("", "…"), 10, "a CPU figure")  # fmt: skip
        busy = _row(window, f"{name}-busy")
        await until(lambda: busy.siblingAtColumn(CPU).data(SPARKLINE_ROLE), 10, "a sparkline")
        cpu = float(busy.siblingAtColumn(CPU).data().rstrip("%"))
        assert cpu > 30, f"a busy loop shows as busy: {cpu}"  # exact figures: tests/bridge
        assert busy.siblingAtColumn(MEMORY).data().endswith("B")
        values, top = busy.siblingAtColumn(CPU).data(SPARKLINE_ROLE)
        assert len(values) >= 1
        assert top >= max(values)
        off = _row(window, f"{name}-off")
        assert off.siblingAtColumn(CPU).data() == ""
        assert off.siblingAtColumn(MEMORY).data() == ""
        busy_id, off_id = _id_of(window, f"{name}-busy"), _id_of(window, f"{name}-off")
        assert busy_id in _streaming(window)
        assert off_id not in _streaming(window)

        # Filtered out of the list: no longer shown, so no longer streamed.
        pane.filter_box.setText(f"{name}-off")
        await until(lambda: busy_id not in _streaming(window), 5, "stream stopped by filter")
        pane.filter_box.setText("")
        await until(lambda: busy_id in _streaming(window), 5, "stream back with the row")

        # Another pane: nothing on screen shows stats, so nothing streams.
        window.show_pane(window.engine_pane.title)
        await until(lambda: not _streaming(window), 5, "streams stopped with the pane")
        window.show_pane(pane.title)
        await until(lambda: busy_id in _streaming(window), 5, "streams back with the pane")

        # Stopping the container ends its stream and empties its cells.
        await docker_async("stop", "-t", "0", f"{name}-busy")
        await until(lambda: busy_id not in _streaming(window), 5, "stream of a stopped one")
        await until(lambda: _row(window, f"{name}-busy").siblingAtColumn(CPU).data() == "",
                    5, "empty CPU cell")  # fmt: skip

    run(scenario())


def test_stats_tab_charts_the_container_and_reads_values_under_the_mouse(
    window: MainWindow, busybox_image: str, label: list[str], name: str, run: Any
) -> None:
    pane = window.containers_pane

    async def scenario() -> None:
        hold = "head -c 20000000 /dev/zero > /dev/shm/x; sleep 300"
        await docker_async("run", "-d", *label, "--name", name, busybox_image, "sh", "-c", hold)
        await until(lambda: any(c.name == name for c in pane.model.containers()), 5, "row")
        container_id = _id_of(window, name)
        pane.select([name])
        details = pane.details
        details.show_tab("Stats")
        await until(lambda: details.charts is not None, 5, "charts made")
        charts = details.charts
        assert charts is not None
        await until(lambda: _points(charts.curves["memory_bytes"]) >= 2, 15, "two readings")
        _times, memory = charts.curves["memory_bytes"].getData()
        assert memory[-1] > 20_000_000, "the 20 MB it holds in memory"
        assert "CPU" in charts.readout.text()

        charts.point_at(float(_times[-1]))
        assert "Used:" in charts.readout.text()
        assert "Processes: 1" in charts.readout.text()
        assert all(cursor.isVisible() for cursor in charts.cursors)

        charts.window_box.setCurrentIndex(2)
        low, high = charts.plots["CPU"].viewRange()[0]
        assert abs((high - low) - 900) < 1, "the last 15 minutes"

        # The tab wants the container's stats while it is open, and not after.
        assert window.session is not None
        feed = window.session.stats
        assert feed.wanted_by(details.stats_owner) == {container_id}
        details.show_tab("Summary")
        assert feed.wanted_by(details.stats_owner) == set()

    run(scenario())


def test_resources_overview_totals_and_charts_every_running_container(
    window: MainWindow, busybox_image: str, label: list[str], name: str, run: Any
) -> None:
    pane = window.resources_pane

    async def scenario() -> None:
        for suffix in ("a", "b"):
            await docker_async("run", "-d", *label, "--name", f"{name}-{suffix}", busybox_image,
                               "sleep", "300")  # fmt: skip
        window.show_pane(pane.title)
        await until(lambda: {f"{name}-a", f"{name}-b"} <= {c.name for c in pane.running()},
                    5, "both running")  # fmt: skip
        ids = {c.id for c in pane.running() if c.name.startswith(name)}
        await until(lambda: ids <= _streaming(window), 5, "both streamed")
        names = {f"■  {name}-a", f"■  {name}-b"}

        def table_names() -> set[str]:
            return {_cell(pane.table, r, 0) for r in range(pane.table.rowCount())}

        await until(lambda: names <= table_names(), 10, "both in the table")
        await until(lambda: all(_cell(pane.table, r, 1) != "…"
                                for r in range(pane.table.rowCount())), 10, "figures")  # fmt: skip
        assert pane.totals["running"].text() == str(len(pane.running()))
        assert "%" in pane.totals["cpu"].text()
        assert "B" in pane.totals["memory"].text()
        assert pane.charts is not None
        charts = pane.charts
        expected = min(charts.busiest, len(pane.running()))
        await until(lambda: len(charts.shown.get("CPU", [])) == expected, 5, "busiest drawn")
        assert len(charts.shown["Memory"]) == expected

        await docker_async("stop", "-t", "0", f"{name}-b")
        await until(lambda: f"■  {name}-b" not in table_names(), 5, "stopped one leaves")
        window.show_pane(window.engine_pane.title)
        await until(lambda: not _streaming(window), 5, "nothing streams off screen")

    run(scenario())


def test_the_total_adds_containers_read_at_different_moments() -> None:
    import numpy as np

    from desktop_app.widgets.stats_charts import _summed

    a = (np.array([100.2, 101.2, 102.2, 103.2]), np.array([10.0, 10.0, 10.0, 10.0]))
    b = (np.array([100.7, 101.7, 102.7]), np.array([20.0, 20.0, 20.0]))
    seconds, totals = _summed([a, b])
    # From the first whole second to the last one both have read; both count from the
    # start, though b was read half a second after a.
    assert list(seconds) == [101.0, 102.0]
    assert list(totals) == [30.0, 30.0]
    # A container started later is counted from its start, not before.
    a = (np.array([100.2, 101.2, 102.2, 103.2, 104.2]), np.array([10.0] * 5))
    late = (np.array([103.6, 104.6]), np.array([5.0, 5.0]))
    seconds, totals = _summed([a, late])
    assert list(seconds) == [101.0, 102.0, 103.0, 104.0]
    assert list(totals) == [10.0, 10.0, 15.0, 15.0]
    assert [len(x) for x in _summed([])] == [0, 0]


def test_chart_axes_write_figures_as_the_lists_do(qtbot: Any) -> None:
    """Memory in KiB/MiB/GiB (as docker stats and the Containers list), rates in kB/s and
    MB/s (as the Network and Block I/O figures), never pyqtgraph's own "MB" for memory."""
    from desktop_app.widgets.stats_charts import CONTAINER_CHARTS, _plot

    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    memory = _plot(layout.ci, CONTAINER_CHARTS[1], 0)
    network = _plot(layout.ci, CONTAINER_CHARTS[2], 1)
    assert memory.getAxis("left").tickStrings([10 * 1024**2, 1536 * 1024], 1, 1) == [
        "10MiB", "1.5MiB",
    ]  # fmt: skip
    assert network.getAxis("left").tickStrings([1_500_000], 1, 1) == ["1.5MB/s"]
    assert memory.getAxis("left").labelUnits == ""
