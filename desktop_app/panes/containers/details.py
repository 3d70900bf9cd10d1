"""ContainerDetails: one container looked at closely, under the list: a summary with the
docker run command that makes it, its log, its full inspect data, its processes and its live
stats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.containers.rows import inspect_summary
from desktop_app.session import EngineSession
from desktop_app.tasks import LatestTask
from desktop_app.widgets.json_tree import JsonTree
from desktop_app.widgets.logs_panel import LogsPanel, LogTarget, log_targets
from engine_bridge import (
    EngineError,
    blueprint_of_container,
    container_processes,
    inspect_container,
)
from engine_bridge.specs import SpecError
from engine_bridge.specs.container_config import docker_run_text

if TYPE_CHECKING:  # pyqtgraph is loaded when the Stats tab is first opened
    from desktop_app.widgets.stats_charts import ContainerCharts


class ContainerDetails(QTabWidget):
    """Tabs for the container in `container_id`; `show_container()` loads another one.

    Only the latest request counts: choosing another container cancels the loading of the
    previous one. Attributes: `summary_form`, `run_command`, `inspect_view`, `processes`,
    `charts` (None until the Stats tab is first opened).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("containerDetails")
        self.session: EngineSession | None = None
        self.container_id: str | None = None
        self.project: str | None = None
        self._log_targets: list[LogTarget] = []
        self._loading = LatestTask("container details")
        self._running = False
        self.charts: ContainerCharts | None = None

        summary_page = QWidget()
        self.summary_form = QFormLayout(summary_page)
        self.run_command = QLabel()
        self.run_command.setObjectName("runCommandOfContainer")
        self.run_command.setWordWrap(True)
        self.run_command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_run = QPushButton("Copy docker run")
        self.copy_run.setObjectName("copyDockerRun")
        self.copy_run.setEnabled(False)
        self.copy_run.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.run_command.text())
        )
        command_row = QHBoxLayout()
        command_row.addWidget(self.run_command, 1)
        command_row.addWidget(self.copy_run, 0, Qt.AlignmentFlag.AlignTop)
        self.summary_form.addRow("Made with:", command_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary_page)
        self.addTab(scroll, "Summary")

        self.logs = LogsPanel()
        self.addTab(self.logs, "Logs")
        self.inspect_view = JsonTree()
        self.addTab(self.inspect_view, "Inspect")

        processes_page = QWidget()
        self.processes = QTableWidget(0, 0)
        self.processes.setObjectName("processesTable")
        self.processes.setAccessibleName("Processes")
        self.processes.verticalHeader().hide()
        self.processes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.processes.horizontalHeader().setStretchLastSection(True)
        self.processes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        refresh = QPushButton("Refresh")
        refresh.setObjectName("refreshProcesses")
        refresh.clicked.connect(self._on_refresh_processes)
        self.processes_note = QLabel(text("processes.pids"))
        self.processes_note.setWordWrap(True)
        theme.mark(self.processes_note, "muted")
        top = QHBoxLayout()
        top.addWidget(self.processes_note, 1)
        top.addWidget(refresh, 0, Qt.AlignmentFlag.AlignTop)
        processes_layout = QVBoxLayout(processes_page)
        processes_layout.addLayout(top)
        processes_layout.addWidget(self.processes, 1)
        self.addTab(processes_page, "Processes")

        self.stats_page = QWidget()
        self.stats_page.setObjectName("statsPage")
        stats_note = QLabel(text("stats.charts"))
        stats_note.setWordWrap(True)
        theme.mark(stats_note, "muted")
        self.stats_state = QLabel()
        self.stats_state.setObjectName("statsState")
        stats_layout = QVBoxLayout(self.stats_page)
        stats_layout.addWidget(stats_note)
        stats_layout.addWidget(self.stats_state)
        self.addTab(self.stats_page, "Stats")
        self.currentChanged.connect(self._on_tab)

    def attach(self, session: EngineSession | None) -> None:
        if self.session is not None:
            self.session.stats.updated.disconnect(self._on_stats)
            self.session.stats.want(self.stats_owner, ())
        self.session = session
        if session is not None:
            session.stats.updated.connect(self._on_stats)
        self.logs.attach(session)
        self.show_container(None)

    def show_tab(self, title: str) -> None:
        for index in range(self.count()):
            if self.tabText(index) == title:
                self.setCurrentIndex(index)

    def _tab(self) -> str:
        return self.tabText(self.currentIndex())

    def show_project(self, project: str, container_ids: list[str]) -> None:
        """The combined log of a Compose project's containers (the other tabs stay empty)."""
        self.show_container(None)
        self.project = project
        self._loading.start(self._load_project(container_ids))

    async def _load_project(self, container_ids: list[str]) -> None:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        try:
            targets = await log_targets(bridge, container_ids)
        except EngineError as exc:
            self._clear(exc.in_words(hint=False))
            return
        self._clear(f"Compose project {self.project}: its containers' logs, interleaved by time.")
        self._log_targets = targets
        self.show_tab("Logs")
        self.logs.show_targets(self._log_targets)

    def show_container(self, container_id: str | None) -> None:
        """Load `container_id` (None: show nothing), cancelling any load still running."""
        self.container_id = container_id
        self.project = None
        self._running = False
        self._update_stats_interest()
        self._log_targets = []
        self.logs.stop()
        self.logs.targets = []
        self._loading.cancel()
        if container_id is None or self.session is None or self.session.bridge is None:
            self._clear()
            return
        self._loading.start(self._load(container_id))

    async def reload(self) -> None:
        if self.container_id is not None:
            await self._load(self.container_id)

    async def _load(self, container_id: str) -> None:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        try:
            data = await inspect_container(bridge, container_id)
            blueprint = await blueprint_of_container(bridge, container_id)
            command = docker_run_text(blueprint)
        except (EngineError, SpecError) as exc:
            if container_id == self.container_id:
                words = exc.in_words(hint=False) if isinstance(exc, EngineError) else str(exc)
                self._clear(f"This container's details cannot be read: {words}")
            return
        if container_id != self.container_id:
            return
        self._running = bool((data.get("State") or {}).get("Running"))
        self._update_stats_interest()
        self._fill_summary(data, command)
        self.inspect_view.set_document(data)
        self._log_targets = [_target(data)]
        if self._tab() == "Logs" and self.logs.targets != self._log_targets:
            self.logs.show_targets(self._log_targets)
        if self._tab() == "Processes":
            await self._load_processes()

    def _fill_summary(self, data: dict[str, object], command: str) -> None:
        while self.summary_form.rowCount() > 1:
            self.summary_form.removeRow(1)
        self.run_command.setText(command)
        self.copy_run.setEnabled(True)
        for label, value in inspect_summary(data):
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary_form.addRow(f"{label}:", shown)

    def summary(self) -> dict[str, str]:
        """The summary as shown, label to text (for tests and screen readers alike)."""
        found = {}
        for row in range(1, self.summary_form.rowCount()):
            label = self.summary_form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self.summary_form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is not None and field is not None:
                name, value = label.widget(), field.widget()
                if isinstance(name, QLabel) and isinstance(value, QLabel):
                    found[name.text().rstrip(":")] = value.text()
        return found

    def _clear(self, message: str = "") -> None:
        while self.summary_form.rowCount() > 1:
            self.summary_form.removeRow(1)
        self.run_command.setText(message or "Select one container to see it here.")
        self.copy_run.setEnabled(False)
        self.inspect_view.set_document({})
        self.processes.setRowCount(0)

    # --- live stats -------------------------------------------------------------------

    @property
    def stats_owner(self) -> str:
        """Who this view is to the stats feed."""
        return f"details:{id(self)}"

    def _update_stats_interest(self) -> None:
        """Stream the shown container's stats while its Stats tab is open and it runs."""
        if self.session is None:
            return
        charted = self._running and self.isVisible() and self._tab() == "Stats"
        shown = self.container_id
        self.session.stats.want(self.stats_owner, [shown] if charted and shown else [])
        if self._tab() == "Stats":
            self._show_stats()

    def _show_stats(self) -> None:
        if self.charts is None:
            from desktop_app.widgets.stats_charts import ContainerCharts

            self.charts = ContainerCharts()
            layout = self.stats_page.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.addWidget(self.charts, 1)
        history = None
        if self.session is not None and self.container_id is not None:
            history = self.session.stats.history(self.container_id)
        if self.container_id is None:
            state = "Select one container to chart its stats."
        elif not self._running:
            state = "This container is not running: the charts show what was read while it ran."
        else:
            state = ""
        self.stats_state.setText(state)
        self.stats_state.setVisible(bool(state))
        if history is not self.charts.history:
            self.charts.show_history(history)

    def _on_stats(self) -> None:
        if self.charts is not None and self._tab() == "Stats" and self.isVisible():
            if self.container_id is not None and self.session is not None:
                history = self.session.stats.history(self.container_id)
                if history is not self.charts.history:
                    self.charts.show_history(history)
                    return
            self.charts.redraw()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_stats_interest()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_stats_interest()

    def _on_tab(self, index: int) -> None:
        self._update_stats_interest()
        title = self.tabText(index)
        if title == "Processes":
            self._on_refresh_processes()
        if title == "Logs":
            if self._log_targets and self.logs.targets != self._log_targets:
                self.logs.show_targets(self._log_targets)
        else:
            self.logs.stop()  # a log nobody looks at costs a stream: let it go
            self.logs.targets = []

    @asyncSlot()
    async def _on_refresh_processes(self) -> None:
        await self._load_processes()

    async def _load_processes(self) -> None:
        bridge = self.session.bridge if self.session else None
        container_id = self.container_id
        if bridge is None or container_id is None:
            return
        try:
            titles, rows = await container_processes(bridge, container_id)
        except EngineError as exc:
            titles, rows = ["Processes"], [[exc.in_words(hint=False)]]
        if container_id != self.container_id:
            return
        self.processes.setColumnCount(len(titles))
        self.processes.setHorizontalHeaderLabels(titles)
        self.processes.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.processes.setItem(r, c, QTableWidgetItem(value))
        self.processes.resizeColumnsToContents()


def _target(inspected: dict[str, Any]) -> LogTarget:
    config = inspected.get("Config") or {}
    name = str(inspected.get("Name", "")).lstrip("/")
    return LogTarget(str(inspected["Id"]), name, bool(config.get("Tty")))
