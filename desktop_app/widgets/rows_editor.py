"""RowsEditor: a short editable list of values (ports, variables, volumes, labels), one a row,
that marks the rows it was told are wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme


class RowsEditor(QWidget):
    """Signals: `changed()` whenever a row is added, edited or removed."""

    changed = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.table = QTableWidget(0, 1)
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(110)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        add = QPushButton("Add")
        add.setObjectName("addRow")
        add.clicked.connect(self._on_add)
        remove = QPushButton("Remove")
        remove.setObjectName("removeRow")
        remove.clicked.connect(self._on_remove)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def values(self) -> list[str]:
        items = (self.table.item(row, 0) for row in range(self.table.rowCount()))
        return [item.text() if item is not None else "" for item in items]

    def set_values(self, values: Sequence[str]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for value in values:
            self._append(value)
        self.table.blockSignals(False)
        self.changed.emit()

    def add_value(self, value: str) -> None:
        self._append(value)
        self.changed.emit()

    def mark(self, problems: Mapping[int, str]) -> None:
        """Colour the rows that are wrong and say why in their tooltips."""
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is None:
                continue
            problem = problems.get(row)
            item.setBackground(QBrush(theme.qcolour("bad.field")) if problem else QBrush())
            item.setToolTip(problem or "")
        self.table.blockSignals(False)

    def _append(self, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(value))

    def _on_add(self) -> None:
        self._append("")
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self.table.setToolTip(f"For example {self.placeholder}")

    def _on_remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()
