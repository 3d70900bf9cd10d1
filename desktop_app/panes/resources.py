"""The Resources pane: every running container's CPU and memory on one chart, the totals,
and a table of what `docker stats` shows, all live.

The charts (pyqtgraph) are made the first time the pane is opened. Stats are streamed only
while the pane is on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes import PaneContext
from desktop_app.presentation import binary_size, decimal_size, percent
from desktop_app.session import EngineSession
from engine_bridge import Change, ContainerSummary, StatsHistory, StatsSample

Source = tuple[str, str, StatsHistory]  # container id, name, its readings

if TYPE_CHECKING:
    from desktop_app.widgets.stats_charts import OverviewCharts

TABLE_COLUMNS = ("Container", "CPU", "Memory", "Memory %", "Network in / out", "Block I/O", "PIDs")


class _Number(QTableWidgetItem):
    """A cell that sorts by the number behind its words."""

    def __init__(self, words: str, number: float) -> None:
        super().__init__(words)
        self.setData(Qt.ItemDataRole.UserRole, number)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def set_value(self, words: str, number: float) -> None:
        if self.text() != words:
            self.setText(words)
            self.setData(Qt.ItemDataRole.UserRole, number)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.data(Qt.ItemDataRole.UserRole)
        theirs = other.data(Qt.ItemDataRole.UserRole)
        return float(mine or 0) < float(theirs or 0)


class ResourcesPane(QWidget):
    """Live resource use of the engine's running containers.

    Attributes: `totals` (labels by name: "running", "cpu", "memory"), `table`, `charts`
    (None until the pane is first shown).
    """

    title = "Resources"

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resourcesPane")
        self.session: EngineSession | None = None
        self.charts: OverviewCharts | None = None

        heading = QLabel(f"<h2>{text('stats.overview', 'title')}</h2>")
        note = QLabel(text("stats.overview"))
        note.setWordWrap(True)
        theme.mark(note, "muted")
        self.totals: dict[str, QLabel] = {}
        totals_row = QHBoxLayout()
        for key, caption in (("running", "Running"), ("cpu", "CPU"), ("memory", "Memory")):
            box = QFrame()
            box.setObjectName("totalBox")
            box.setFrameShape(QFrame.Shape.StyledPanel)
            value = QLabel("-")
            value.setObjectName(f"total_{key}")
            value.setProperty("role", "figure")
            words = QLabel(caption)
            theme.mark(words, "muted")
            inner = QVBoxLayout(box)
            inner.addWidget(words)
            inner.addWidget(value)
            totals_row.addWidget(box, 1)
            self.totals[key] = value

        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setObjectName("resourcesTable")
        self.table.setAccessibleName("Running containers")
        self.table.setHorizontalHeaderLabels(TABLE_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 90), (2, 170), (3, 90), (4, 150), (5, 150), (6, 60)):
            self.table.setColumnWidth(column, width)
        for column, topic in ((1, "stats.cpu"), (2, "stats.memory")):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(text(topic))

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.chart_holder = QWidget()
        QVBoxLayout(self.chart_holder).setContentsMargins(0, 0, 0, 0)
        self.splitter.addWidget(self.chart_holder)
        self.splitter.addWidget(self.table)
        self.splitter.setSizes([420, 260])

        self.empty = QLabel(
            f"<h3>{text('stats.none', 'title')}</h3><p>{text('stats.none')}</p>",
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self.empty.setObjectName("resourcesEmpty")
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addLayout(totals_row)
        layout.addWidget(self.stack, 1)

    # --- the engine -------------------------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        if self.session is not None:
            self.session.resources_changed.disconnect(self._on_changes)
            self.session.stats.updated.disconnect(self._on_stats)
            self.session.stats.want(self.title, ())
        self.session = session
        if session is not None:
            session.resources_changed.connect(self._on_changes)
            session.stats.updated.connect(self._on_stats)
        self._update_interest()

    def running(self) -> list[ContainerSummary]:
        if self.session is None or self.session.state is None:
            return []
        found = [c for c in self.session.state.of("container").values() if c.state == "running"]
        return sorted(found, key=lambda c: c.name)

    def _on_changes(self, changes: Sequence[Change]) -> None:
        if any(c.resource == "container" for c in changes):
            self._update_interest()

    def _update_interest(self) -> None:
        if self.session is None:
            return
        running = self.running() if self.isVisible() else []
        self.session.stats.want(self.title, [c.id for c in running])
        if self.isVisible():
            self._fill()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.charts is None:
            from desktop_app.widgets.stats_charts import OverviewCharts

            self.charts = OverviewCharts()
            layout = self.chart_holder.layout()
            assert layout is not None
            layout.addWidget(self.charts)
        self._update_interest()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_interest()

    def _on_stats(self) -> None:
        if self.isVisible():
            self._fill()

    # --- drawing ----------------------------------------------------------------------

    def _fill(self) -> None:
        running = self.running()
        self.stack.setCurrentWidget(self.splitter if running else self.empty)
        stats = self.session.stats if self.session is not None else None
        sources: list[Source] = []
        for c in running:
            history = stats.history(c.id) if stats is not None else None
            if history is not None:
                sources.append((c.id, c.name, history))
        if self.charts is not None:
            self.charts.show_histories(sources)
        self._fill_totals(len(running), sources)
        self._fill_table(sources)

    def _fill_totals(self, running: int, sources: list[Source]) -> None:
        facts = self.session.facts if self.session is not None else None
        cpu = memory = 0.0
        for _key, _name, history in sources:
            latest = history.latest
            if latest is not None:
                cpu += latest.cpu_percent
                memory += latest.memory_bytes
        self.totals["running"].setText(str(running))
        if facts is not None and facts.cpus:
            self.totals["cpu"].setText(f"{percent(cpu)} of {facts.cpus * 100}%")
            self.totals["cpu"].setToolTip(f"The engine has {facts.cpus} CPUs")
        else:
            self.totals["cpu"].setText(percent(cpu))
        if facts is not None and facts.memory_bytes:
            self.totals["memory"].setText(
                f"{binary_size(memory)} of {binary_size(facts.memory_bytes)}"
            )
        else:
            self.totals["memory"].setText(binary_size(memory))

    def _fill_table(self, sources: list[Source]) -> None:
        """Rows follow the running containers; their cells are updated where they stand,
        and the table sorts once, after."""
        from desktop_app.widgets.stats_charts import colour_of

        table = self.table
        table.setSortingEnabled(False)
        wanted = {key for key, _name, _history in sources}
        for row in reversed(range(table.rowCount())):
            item = table.item(row, 0)
            if item is None or item.data(_KEY) not in wanted:
                table.removeRow(row)
        rows: dict[str, int] = {}
        for index in range(table.rowCount()):
            item = table.item(index, 0)
            if item is not None:
                rows[str(item.data(_KEY))] = index
        for key, name, history in sources:
            row = rows.get(key, -1)
            if row < 0:
                row = table.rowCount()
                table.insertRow(row)
                item = QTableWidgetItem(f"■  {name}")
                item.setForeground(QColor(colour_of(key)))
                item.setData(_KEY, key)
                item.setToolTip(key[:12])
                table.setItem(row, 0, item)
                for column in range(1, len(TABLE_COLUMNS)):
                    table.setItem(row, column, _Number("…", -1))
            latest = history.latest
            if latest is None:
                continue
            for column, (words, number) in enumerate(_cells(latest), start=1):
                cell = table.item(row, column)
                if isinstance(cell, _Number):
                    cell.set_value(words, number)
        table.setSortingEnabled(True)


_KEY = Qt.ItemDataRole.UserRole + 1


def _cells(latest: StatsSample) -> tuple[tuple[str, float], ...]:
    """What the table shows of a reading, and what each column sorts by."""
    return (
        (percent(latest.cpu_percent), latest.cpu_percent),
        (
            f"{binary_size(latest.memory_bytes)} / {binary_size(latest.memory_limit)}",
            latest.memory_bytes,
        ),
        (percent(latest.memory_percent), latest.memory_percent),
        (
            f"{decimal_size(latest.network_rx)} / {decimal_size(latest.network_tx)}",
            latest.network_rx + latest.network_tx,
        ),
        (
            f"{decimal_size(latest.block_read)} / {decimal_size(latest.block_write)}",
            latest.block_read + latest.block_write,
        ),
        (str(latest.pids), latest.pids),
    )
