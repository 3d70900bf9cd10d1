"""The close look most kinds share: a Summary tab (label: value rows, then words for
learners) and an Inspect tab with the engine's document."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_app.widgets.json_tree import JsonTree


class SummaryTabs(QTabWidget):
    """Attributes: `form` (the summary rows), `explain`, `inspect`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        summary = QWidget()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.explain = QLabel()
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

    def show_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        """Replace the summary rows: (label, rich text) each, selectable."""
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in rows:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            self.form.addRow(f"{label}:", shown)
