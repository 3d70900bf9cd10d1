"""The close look at one Compose project: its services and containers, where it was started
from and whether its file changed since, its containers' logs interleaved, the compose file
beside what Compose makes of it, and what Compose printed the last time it ran here."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.compose.rows import folder_text
from desktop_app.presentation import counted
from desktop_app.session import EngineSession
from desktop_app.widgets.log_view import LogModel, LogView
from desktop_app.widgets.logs_panel import LogsPanel, LogTarget
from engine_bridge import STDOUT, ComposeProject, Drift, LogLine, ToolOutput


class ProjectDetails(QTabWidget):
    """Tabs: Summary, Logs, Files, Output. Attributes: `project` (shown), `form`,
    `explain`, `logs`, `file_text`, `resolved_text`, `output_model`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projectDetails")
        self.project: ComposeProject | None = None
        self._output: ToolOutput | None = None
        self._output_seen = 0

        summary = QWidget()
        self.form = QFormLayout()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        theme.mark(self.explain, "muted")
        layout = QVBoxLayout(summary)
        layout.addLayout(self.form)
        layout.addWidget(self.explain)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary)
        self.addTab(scroll, "Summary")

        self.logs = LogsPanel()
        self.addTab(self.logs, "Logs")

        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.file_text = QPlainTextEdit(readOnly=True)
        self.file_text.setAccessibleName("The compose file")
        self.resolved_text = QPlainTextEdit(readOnly=True)
        self.resolved_text.setAccessibleName("The configuration as Compose reads it")
        files = QSplitter()
        for heading, editor in (("The compose file, as written", self.file_text),
                                ("As Compose reads it (docker compose config)",
                                 self.resolved_text)):  # fmt: skip
            editor.setFont(fixed)
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            side = QWidget()
            column = QVBoxLayout(side)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(heading))
            column.addWidget(editor)
            files.addWidget(side)
        self.addTab(files, "Files")

        self.output_model = LogModel()
        self.output = LogView(self.output_model)
        self.output.setAccessibleName("What Compose printed")
        self.addTab(self.output, "Output")

    def attach(self, session: EngineSession | None) -> None:
        self.logs.attach(session)

    def show_tab(self, title: str) -> None:
        for index in range(self.count()):
            if self.tabText(index) == title:
                self.setCurrentIndex(index)

    # --- what the pane hands in ---------------------------------------------------------

    def show_project(self, project: ComposeProject | None, drift: Drift | None = None,
                     check: str = "") -> None:  # fmt: skip
        """The summary of `project`; `drift` what is known of its file (None: not yet),
        `check` why it could not be known."""
        self.project = project
        while self.form.rowCount():
            self.form.removeRow(0)
        if project is None:
            self.explain.setText("")
            self.logs.stop()
            return
        files = "<br>".join(html.escape(f) for f in project.config_files) or "not recorded"
        made_by = ", ".join(project.made_by) or "unknown"
        if project.made_by_v1:
            made_by += " (Compose v1, docker-compose)"
        rows = [
            ("Project", f"<b>{html.escape(project.name)}</b>"),
            ("Status", html.escape(project.status)),
            ("Started from", html.escape(folder_text(project)) or "not recorded"),
            ("Compose files", files),
            ("Env file", html.escape(project.env_file or "the folder's .env, if any", quote=False)),
            ("Made by Compose", html.escape(made_by)),
            ("Services", self._services_html(project)),
            ("Networks", html.escape(", ".join(project.networks) or "none")),
            ("Volumes", html.escape(", ".join(project.volumes) or "none")),
            ("The file now", self._drift_html(drift, check)),
        ]
        for label, value in rows:
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{label}:", shown)
        words = text("compose.about")
        if drift is not None and drift.any:
            words += "<br><br>" + text("compose.drift")
        self.explain.setText(words)

    @staticmethod
    def _services_html(project: ComposeProject) -> str:
        lines = []
        for service in project.services:
            states = ", ".join(f"{c.name} ({c.state})" for c in service.containers)
            lines.append(f"<b>{html.escape(service.name)}</b>: "
                         f"{counted(len(service.containers), 'container')}: "
                         f"{html.escape(states)}")  # fmt: skip
        return "<br>".join(lines)

    @staticmethod
    def _drift_html(drift: Drift | None, check: str) -> str:
        if check:
            return html.escape(check)
        if drift is None:
            return "being compared with the project…"
        if not drift.any:
            return "matches the running project"
        return (f"<span style='color:{theme.colour('warn')}'>changed since the project "
                f"started: {html.escape(drift.in_words())}</span>. Apply the file to bring "
                "the project in line.")  # fmt: skip

    def show_logs(self, targets: list[LogTarget]) -> None:
        self.logs.show_targets(targets)

    def show_files(self, written: str, resolved: str) -> None:
        if self.file_text.toPlainText() != written:
            self.file_text.setPlainText(written)
        if self.resolved_text.toPlainText() != resolved:
            self.resolved_text.setPlainText(resolved)

    def show_output(self, output: ToolOutput | None) -> None:
        """What Compose printed in the last run for this project (None: nothing yet)."""
        if output is not self._output:
            self._output, self._output_seen = output, 0
            self.output_model.clear()
        if output is None:
            return
        fresh = output.since(self._output_seen)
        self._output_seen = output.count
        if fresh:
            self.output_model.append([LogLine(STDOUT, line) for line in fresh])
            self.output.scrollToBottom()
