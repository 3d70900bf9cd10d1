"""The close look at one volume under the list: what it is in plain words, a friendly
summary, and its inspect document."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.volumes.rows import VolumeRow, inspect_summary
from desktop_app.widgets.json_tree import JsonTree


class VolumeDetails(QTabWidget):
    """Tabs: Summary (with what a volume is), Inspect (the engine's JSON)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("volumeDetails")
        self.row: VolumeRow | None = None
        summary = QWidget()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.explain = QLabel()
        self.explain.setObjectName("volumeExplain")
        self.explain.setWordWrap(True)
        layout = QVBoxLayout(summary)
        layout.addLayout(self.form)
        layout.addWidget(self.explain)
        layout.addStretch(1)
        self.inspect = JsonTree()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary)
        self.addTab(scroll, "Summary")
        self.addTab(self.inspect, "Inspect")

    def show_row(self, row: VolumeRow | None, document: dict[str, object] | None = None) -> None:
        self.row = row
        while self.form.rowCount():
            self.form.removeRow(0)
        if row is None:
            self.inspect.set_document({})
            return
        for label, value in inspect_summary(row):
            shown = QLabel(html.escape(value))
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            self.form.addRow(f"{label}:", shown)
        topic = "volumes.anonymous" if row.volume.anonymous else "volumes.named"
        muted = theme.colour("muted")
        warn = ""
        if row.running_users:
            warn = f"<p>{text('volumes.copy', 'running')}</p>"
        self.explain.setText(
            f"<p style='color:{muted}'>{text(topic)}</p>{warn}"
            f"<p style='color:{muted}'>{text('volumes.remove')}</p>"
        )
        self.inspect.set_document(document if document is not None else {})
