"""Stats charts (pyqtgraph): one container's readings over time, and many containers on one
chart. This module is imported only when a chart is first shown: start-up does not pay for
pyqtgraph and numpy.

Charts are redrawn from a container's StatsHistory when the stats feed says something new
arrived, which is at most a few times a second whatever the number of containers.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.presentation import binary_size, decimal_size, percent
from engine_bridge import StatsHistory

pg.setConfigOptions(antialias=True)

#: The windows a user can choose, in seconds.
WINDOWS = {"Last minute": 60, "Last 5 minutes": 300, "Last 15 minutes": 900}
PALETTE = theme.SERIES


@dataclass(frozen=True)
class Line:
    """One curve: a figure of the history, its name in the legend, how values are written."""

    field: str
    name: str
    colour: str
    words: Callable[[float], str]
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    lines: tuple[Line, ...]
    floor: float = 1.0  # the smallest top of the scale, so an idle chart is not all noise


CONTAINER_CHARTS = (
    Chart("CPU", "%", (Line("cpu_percent", "CPU", PALETTE[0], percent),), floor=5.0),
    Chart(
        "Memory",
        "B",
        (
            Line("memory_bytes", "Used", PALETTE[0], binary_size),
            Line("memory_limit", "Limit", PALETTE[3], binary_size, dashed=True),
        ),
        floor=1024**2,
    ),
    Chart(
        "Network",
        "B/s",
        (
            Line("network_rx", "Received", PALETTE[2], lambda v: f"{decimal_size(v)}/s"),
            Line("network_tx", "Sent", PALETTE[1], lambda v: f"{decimal_size(v)}/s"),
        ),
        floor=1000.0,
    ),
    Chart(
        "Block I/O",
        "B/s",
        (
            Line("block_read", "Read", PALETTE[4], lambda v: f"{decimal_size(v)}/s"),
            Line("block_write", "Written", PALETTE[5], lambda v: f"{decimal_size(v)}/s"),
        ),
        floor=1000.0,
    ),
    Chart("Processes", "", (Line("pids", "PIDs", PALETTE[7], lambda v: f"{v:.0f}"),), floor=4.0),
)


_COLOURS: dict[str, str] = {}


def colour_of(key: str) -> str:
    """A container's colour on shared charts: given in turn as containers are first drawn
    (no two alike among the first ten), and kept while the app runs."""
    colour = _COLOURS.get(key)
    if colour is None:
        colour = _COLOURS[key] = PALETTE[len(_COLOURS) % len(PALETTE)]
    return colour


def window_choice(on_change: Callable[[int], None]) -> QComboBox:
    """The 1, 5 or 15 minutes selector; calls `on_change(seconds)`."""
    box = QComboBox()
    box.setObjectName("statsWindow")
    for label, seconds in WINDOWS.items():
        box.addItem(label, seconds)
    box.currentIndexChanged.connect(lambda _i: on_change(int(box.currentData())))
    return box


class _ValueAxis(pg.AxisItem):  # type: ignore[misc]
    """A value axis whose ticks are written as the lists write the same figure (memory in
    KiB, MiB and GiB as docker stats does; transfer rates in kB/s and MB/s), rather than
    with pyqtgraph's own decimal prefixes."""

    def __init__(self, words: Callable[[float], str], base: int = 1000) -> None:
        super().__init__("left")
        self._words = words
        self._base = base
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """Ticks on round figures of the axis's own units: 256 KiB, 512 KiB, 1 MiB (binary)
        or 200 kB/s, 500 kB/s, 1 MB/s (decimal), at most one every 40 pixels."""
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return list(super().tickSpacing(minVal, maxVal, size))
        most = max(2, int(size / 40))
        steps = (
            (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            if self._base == 1024
            else (1, 2, 5, 10, 20, 50, 100, 200, 500)
        )
        unit = 1.0
        while True:
            for step in steps:
                if span / (step * unit) <= most:
                    return [(step * unit, 0)]
            unit *= self._base

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._words(value * scale) for value in values]


_AXIS_WORDS: dict[str, tuple[Callable[[float], str], int]] = {
    "B": (lambda v: binary_size(int(v)), 1024),
    "B/s": (lambda v: f"{decimal_size(int(v))}/s", 1000),
}


class ThemedGraphs(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """A pyqtgraph canvas in the theme's colours, recoloured when the theme switches.
    `themed` lists the lines whose pen is a theme role, as (line, role, width)."""

    def __init__(self) -> None:
        super().__init__()
        self.themed: list[tuple[pg.GraphicsObject, str, float]] = []
        self.recolour()
        theme.changes().changed.connect(self.recolour)

    def recolour(self) -> None:
        self.setBackground(theme.colour("chart.background"))
        text = theme.colour("text")
        for item in self.ci.items:
            if not isinstance(item, pg.PlotItem):
                continue
            item.setTitle(item.titleLabel.text, size="10pt", color=text)
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setPen(text)
                axis.setTextPen(text)
        for line, role, width in self.themed:
            line.setPen(pg.mkPen(theme.colour(role), width=width))


def _plot(layout: pg.GraphicsLayout, chart: Chart, row: int, col: int = 0) -> pg.PlotItem:
    axes: dict[str, pg.AxisItem] = {"bottom": pg.DateAxisItem()}
    words = _AXIS_WORDS.get(chart.unit)
    if words is not None:
        axes["left"] = _ValueAxis(*words)
    plot = layout.addPlot(row=row, col=col, axisItems=axes)
    plot.setTitle(chart.title, size="10pt")
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.getAxis("left").setWidth(64)
    if chart.unit and words is None:
        plot.getAxis("left").setLabel(units=chart.unit)
    return plot


def _arrays(history: StatsHistory, field: str, since: float) -> tuple[np.ndarray, np.ndarray]:
    times, values = history.series(field, since)
    return np.frombuffer(times, dtype=float), np.frombuffer(values, dtype=float)


class ContainerCharts(QWidget):
    """CPU, memory, network, block I/O and PIDs of one container over the chosen window.

    Attributes: `window_seconds` (how much is shown), `readout` (the values under the
    mouse), `plots` and `curves` (by chart title and field).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("containerCharts")
        self.window_seconds = 60
        self.history: StatsHistory | None = None
        self.window_box = window_choice(self._on_window)
        self.readout = QLabel()
        self.readout.setObjectName("statsReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.graphs = ThemedGraphs()
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.cursors: list[pg.InfiniteLine] = []
        # Two charts a row; the charts keep a readable height and the page scrolls instead.
        self.graphs.setMinimumHeight(180 * ((len(CONTAINER_CHARTS) + 1) // 2))
        for number, chart in enumerate(CONTAINER_CHARTS):
            plot = _plot(self.graphs.ci, chart, number // 2, number % 2)
            for line in chart.lines:
                style = Qt.PenStyle.DashLine if line.dashed else Qt.PenStyle.SolidLine
                pen = pg.mkPen(line.colour, width=1.6, style=style)
                self.curves[line.field] = plot.plot([], [], pen=pen, name=line.name)
            cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.colour("cursor"), width=1))
            self.graphs.themed.append((cursor, "cursor", 1))
            cursor.hide()
            plot.addItem(cursor, ignoreBounds=True)
            self.cursors.append(cursor)
            if number:
                plot.setXLink(self.plots[CONTAINER_CHARTS[0].title])
            self.plots[chart.title] = plot
        self.graphs.recolour()
        self.graphs.scene().sigMouseMoved.connect(self._on_mouse)
        self._pointing = False
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.graphs)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.window_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.show_history(None)

    def show_history(self, history: StatsHistory | None) -> None:
        self.history = history
        self.redraw()

    def redraw(self, now: float | None = None) -> None:
        now = now or time.time()
        since = now - self.window_seconds
        for chart in CONTAINER_CHARTS:
            top = chart.floor
            for line in chart.lines:
                if self.history is None:
                    self.curves[line.field].setData([], [])
                    continue
                times, values = _arrays(self.history, line.field, since)
                self.curves[line.field].setData(times, values)
                if len(values) and not line.dashed:
                    top = max(top, float(values.max()))
            plot = self.plots[chart.title]
            plot.setXRange(since, now, padding=0)
            plot.setYRange(0, top * 1.15, padding=0)
        if not self._pointing:
            self.readout.setText(self._latest_words())

    def _latest_words(self) -> str:
        latest = self.history.latest if self.history is not None else None
        if latest is None:
            return (
                f"<span style='color:{theme.colour('muted')}'>Waiting for the first reading…</span>"
            )
        return (
            f"Now: CPU <b>{percent(latest.cpu_percent)}</b> · memory "
            f"<b>{binary_size(latest.memory_bytes)}</b> of {binary_size(latest.memory_limit)} · "
            f"<b>{latest.pids}</b> {'process' if latest.pids == 1 else 'processes'}"
        )

    def _on_window(self, seconds: int) -> None:
        self.window_seconds = seconds
        self.redraw()

    def _on_mouse(self, position: QPointF) -> None:
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(position):
                self.point_at(plot.vb.mapSceneToView(position).x())
                return
        self._pointing = False
        for cursor in self.cursors:
            cursor.hide()
        self.readout.setText(self._latest_words())

    def point_at(self, moment: float) -> None:
        """Show the values of the reading nearest to `moment` (Unix seconds)."""
        if self.history is None or not len(self.history):
            return
        self._pointing = True
        times, _ = self.history.series("cpu_percent")
        index = _nearest(times, moment)
        at = times[index]
        parts = [f"<b>{datetime.fromtimestamp(at).strftime('%H:%M:%S')}</b>"]
        for chart in CONTAINER_CHARTS:
            for line in chart.lines:
                line_times, values = self.history.series(line.field)
                if len(values):
                    value = values[_nearest(line_times, at)]
                    parts.append(f"{line.name if len(chart.lines) > 1 else chart.title}: "
                                 f"{line.words(value)}")  # fmt: skip
        for cursor in self.cursors:
            cursor.setValue(at)
            cursor.show()
        self.readout.setText(" · ".join(parts))


class OverviewCharts(QWidget):
    """CPU and memory of many containers: on each chart the total of all of them, and a line
    for each of the `busiest` containers by that figure (a hundred lines would be unreadable,
    and slow to draw every second). A container keeps its colour (`colour_of`).

    Attributes: `shown` (chart title to the names of the containers drawn).
    """

    def __init__(self, parent: QWidget | None = None, busiest: int = 8) -> None:
        super().__init__(parent)
        self.setObjectName("overviewCharts")
        self.window_seconds = 60
        self.busiest = busiest
        self._sources: list[tuple[str, str, StatsHistory]] = []
        self.shown: dict[str, list[str]] = {}
        self.window_box = window_choice(self._on_window)
        self.graphs = ThemedGraphs()
        self.cpu = _plot(self.graphs.ci, Chart("CPU", "%", ()), 0, 0)
        self.memory = _plot(self.graphs.ci, Chart("Memory", "B", ()), 0, 1)
        self.memory.setXLink(self.cpu)
        self._lines: dict[str, tuple[pg.PlotDataItem, list[pg.PlotDataItem]]] = {}
        for plot in (self.cpu, self.memory):
            total = plot.plot([], [], pen=pg.mkPen(theme.colour("chart.total"), width=2.6))
            self.graphs.themed.append((total, "chart.total", 2.6))
            lines = [plot.plot([], []) for _ in range(busiest)]
            self._lines[plot.titleLabel.text] = (total, lines)
        self.graphs.recolour()
        # No legend: nine names would cover the lines. The colours are those of the table.
        note = QLabel(
            f"The thick line: all running containers together. Coloured lines: the {busiest} "
            "busiest, in their colour in the table below."
        )
        theme.mark(note, "muted")
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.window_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.graphs, 1)

    def show_histories(self, sources: Sequence[tuple[str, str, StatsHistory]]) -> None:
        """Chart these (container id, name, history) from now on."""
        self._sources = list(sources)
        self.redraw()

    def redraw(self, now: float | None = None) -> None:
        now = now or time.time()
        since = now - self.window_seconds
        for plot, field in ((self.cpu, "cpu_percent"), (self.memory, "memory_bytes")):
            total_line, lines = self._lines[plot.titleLabel.text]
            series = [
                (key, name, *_arrays(history, field, since)) for key, name, history in self._sources
            ]
            times, total = _summed([(t, v) for _k, _n, t, v in series])
            total_line.setData(times, total)
            top = float(total.max()) if len(total) else 0.0
            # The busiest by their latest reading; the others are in the total.
            series.sort(key=lambda s: -float(s[3][-1]) if len(s[3]) else 0.0)
            self.shown[plot.titleLabel.text] = []
            for slot, line in enumerate(lines):
                if slot < len(series):
                    key, name, t, v = series[slot]
                    line.setData(t, v)
                    line.setPen(pg.mkPen(colour_of(key), width=1.3))
                    self.shown[plot.titleLabel.text].append(name)
                    line.show()
                else:
                    line.setData([], [])
                    line.hide()
            floor = 5.0 if field == "cpu_percent" else float(1024**2)
            plot.setXRange(since, now, padding=0)
            plot.setYRange(0, max(floor, top) * 1.15, padding=0)

    def _on_window(self, seconds: int) -> None:
        self.window_seconds = seconds
        if hasattr(self, "cpu"):
            self.redraw()


_SWEEP = 1.5  # seconds: how far apart the engine's readings of one sweep can be


def _summed(series: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Many containers' readings added up, second by second.

    Each container is read at its own moment of the second, so each is placed on a common
    grid of whole seconds (between two of its readings, by interpolation) before adding.
    """
    present = [(t, v) for t, v in series if len(t) > 1]
    if not present:
        return np.array([]), np.array([])
    start = np.ceil(min(float(t[0]) for t, _ in present))
    # Up to the last second every container has a reading for: later, the total would dip
    # only because some readings of that second have not arrived yet.
    end = np.floor(min(float(t[-1]) for t, _ in present))
    grid = np.arange(start, end + 1.0)
    totals = np.zeros(len(grid))
    for times, values in present:
        # The engine reads all containers in one sweep a second, not at one instant: a
        # container's first reading also stands for the second before it, so that the first
        # seconds of the total do not miss the containers read a moment later.
        inside = (grid >= times[0] - _SWEEP) & (grid <= times[-1])
        totals[inside] += np.interp(grid[inside], times, values)
    return grid, totals


def _nearest(times: Sequence[float], moment: float) -> int:
    index = bisect.bisect_left(times, moment)
    if index <= 0:
        return 0
    if index >= len(times):
        return len(times) - 1
    return index if times[index] - moment < moment - times[index - 1] else index - 1
