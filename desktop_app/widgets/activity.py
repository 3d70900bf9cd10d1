"""The activity drawer: every operation the user ran, its state, and its docker command."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.learning import text
from engine_bridge.operations import Operation, OperationState

_STATE_TEXT = {
    OperationState.QUEUED: "Waiting",
    OperationState.RUNNING: "Running…",
    OperationState.SUCCEEDED: "Done",
    OperationState.FAILED: "Failed",
    OperationState.CANCELLED: "Cancelled",
}
_STATE_COLOUR = {OperationState.FAILED: "#c5221f", OperationState.SUCCEEDED: "#1e8e3e"}
KEEP = 500


class ActivityView(QWidget):
    """A list of operations, newest first. Feed it with `show_operation(op)`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityView")
        self.tree = QTreeWidget()
        self.tree.setObjectName("activityList")
        self.tree.setHeaderLabels(["Action", "State", "Equivalent docker command", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setColumnWidth(0, 220)
        self.tree.setColumnWidth(1, 90)
        self.hint = QLabel(text("activity.empty"))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368; padding: 4px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        self._items: dict[int, QTreeWidgetItem] = {}

    def show_operation(self, operation: Operation) -> None:
        item = self._items.get(operation.id)
        if item is None:
            item = QTreeWidgetItem([operation.title, "", operation.command, ""])
            item.setData(0, Qt.ItemDataRole.UserRole, operation.id)
            item.setToolTip(2, operation.command)
            self.tree.insertTopLevelItem(0, item)
            copy = QToolButton()
            copy.setText("Copy")
            copy.setObjectName("copyCommand")
            copy.setToolTip("Copy the command to the clipboard")
            copy.setAutoRaise(True)
            command = operation.command
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(command))
            self.tree.setItemWidget(item, 3, copy)
            self._items[operation.id] = item
            self._trim()
        item.setText(1, _STATE_TEXT[operation.state])
        colour = _STATE_COLOUR.get(operation.state)
        if colour:
            item.setForeground(1, QBrush(QColor(colour)))
        if operation.error is not None:
            message = f"{operation.error.title}. {operation.error.message}"
            item.setToolTip(0, message)
            item.setToolTip(1, f"{message}\n{operation.error.hint}".strip())
        self.hint.setVisible(not self._items)

    def _trim(self) -> None:
        while self.tree.topLevelItemCount() > KEEP:
            item = self.tree.takeTopLevelItem(self.tree.topLevelItemCount() - 1)
            if item is not None:
                self._items.pop(item.data(0, Qt.ItemDataRole.UserRole), None)

    def commands(self) -> list[str]:
        """The commands shown, newest first."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.text(2) for item in items if item is not None]
