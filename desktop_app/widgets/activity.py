"""The activity drawer: every operation the user ran, its state and progress, and its docker
command. Long work (pull, push, save, load) shows a progress bar, its layers, and Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import text
from engine_bridge import LayerProgress, Operation, OperationState, TransferProgress
from engine_bridge.specs.sizes import decimal_size

_STATE_TEXT = {
    OperationState.QUEUED: "Waiting",
    OperationState.RUNNING: "Running…",
    OperationState.SUCCEEDED: "Done",
    OperationState.FAILED: "Failed",
    OperationState.CANCELLED: "Cancelled",
}
_STATE_COLOUR = {OperationState.FAILED: "bad", OperationState.SUCCEEDED: "good"}  # theme roles
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
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(1, 330)
        self.hint = QLabel(text("activity.empty"))
        self.hint.setWordWrap(True)
        theme.mark(self.hint, "muted")
        self.hint.setContentsMargins(4, 4, 4, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._bars: dict[int, QProgressBar] = {}
        self._cancels: dict[int, QToolButton] = {}

    def show_operation(self, operation: Operation[Any]) -> None:
        item = self._items.get(operation.id)
        if item is None:
            item = self._add(operation)
        finished = operation.state.finished
        bar = self._bars.get(operation.id)
        if operation.progress is not None and not finished:
            if bar is None:
                bar = self._bars[operation.id] = QProgressBar()
                bar.setObjectName("operationProgress")
                bar.setRange(0, 1000)
                bar.setMaximumHeight(18)
                self.tree.setItemWidget(item, 1, bar)
            bar.setValue(int(operation.progress * 1000))
            bar.setFormat(_bar_words(operation))
            bar.setToolTip(operation.detail)
        elif bar is not None:
            self.tree.removeItemWidget(item, 1)
            del self._bars[operation.id]
        words = _STATE_TEXT[operation.state]
        if finished and operation.detail:
            words = f"{words} · {operation.detail}"
        item.setText(1, words)
        colour = _STATE_COLOUR.get(operation.state)
        if colour:
            item.setForeground(1, QBrush(theme.qcolour(colour)))
        if operation.error is not None:
            message = operation.error.in_words(hint=False)
            item.setToolTip(0, message)
            item.setToolTip(1, f"{message}\n{operation.error.hint}".strip())
        cancel = self._cancels.get(operation.id)
        if cancel is not None:
            cancel.setVisible(operation.cancellable)
        if isinstance(operation.live, TransferProgress):
            self._show_layers(item, operation.live, finished)
        self.hint.setVisible(not self._items)

    def _add(self, operation: Operation[Any]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([operation.title, "", operation.command, ""])
        item.setData(0, Qt.ItemDataRole.UserRole, operation.id)
        item.setToolTip(2, operation.command)
        self.tree.insertTopLevelItem(0, item)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        copy = QToolButton()
        copy.setText("Copy")
        copy.setObjectName("copyCommand")
        copy.setToolTip("Copy the command to the clipboard")
        copy.setAutoRaise(True)
        command = operation.command
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(command))
        row.addWidget(copy)
        if operation.cancel_requested is not None:
            cancel = QToolButton()
            cancel.setText("Cancel")
            cancel.setObjectName("cancelOperation")
            cancel.setToolTip("Stop this; what was done so far is not kept")
            cancel.setAutoRaise(True)
            cancel.clicked.connect(operation.cancel)
            row.addWidget(cancel)
            self._cancels[operation.id] = cancel
        self.tree.setItemWidget(item, 3, buttons)
        self._items[operation.id] = item
        self._trim()
        return item

    def _show_layers(
        self, item: QTreeWidgetItem, progress: TransferProgress, finished: bool
    ) -> None:
        layers = list(progress.layers.values())
        while item.childCount() < len(layers):
            item.addChild(QTreeWidgetItem(["", "", "", ""]))
        for index, layer in enumerate(layers):
            child = item.child(index)
            if child is not None:
                child.setText(0, f"   Layer {layer.id}")
                child.setText(1, _layer_words(layer, progress.pushing))
        if not finished and layers and not item.isExpanded():
            item.setExpanded(True)
        elif finished and item.isExpanded():
            item.setExpanded(False)

    def _trim(self) -> None:
        while self.tree.topLevelItemCount() > KEEP:
            item = self.tree.takeTopLevelItem(self.tree.topLevelItemCount() - 1)
            if item is not None:
                key = item.data(0, Qt.ItemDataRole.UserRole)
                self._items.pop(key, None)
                self._bars.pop(key, None)
                self._cancels.pop(key, None)

    def progress_of(self, operation: Operation[Any]) -> QProgressBar | None:
        return self._bars.get(operation.id)

    def cancel_button(self, operation: Operation[Any]) -> QToolButton | None:
        return self._cancels.get(operation.id)

    def commands(self) -> list[str]:
        """The commands shown, newest first."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.text(2) for item in items if item is not None]


def _layer_words(layer: LayerProgress, pushing: bool) -> str:
    moving = "Pushing" if pushing else "Downloading"
    if layer.phase == "present":
        return "Already there"
    if layer.phase == "done":
        return f"Done · {decimal_size(layer.transferred)}" if layer.transferred else "Done"
    if layer.phase == "transferring":
        total = f" of {decimal_size(layer.total)}" if layer.total else ""
        return f"{moving} {decimal_size(layer.current)}{total}"
    if layer.phase == "transferred":
        return "Downloaded, waiting to extract"
    if layer.phase == "extracting":
        return f"Extracting {layer.current * 100 // layer.total if layer.total else 0}%"
    return "Waiting"


def _bar_words(operation: Operation[Any]) -> str:
    """What fits in a progress bar: the share done and, for a transfer, speed and time left
    (the layers have their own lines below; the whole story is in the tooltip)."""
    done = f"{operation.progress or 0:.0%}"
    live = operation.live
    if not isinstance(live, TransferProgress):
        return f"{done} · {operation.detail}" if operation.detail else done
    return " · ".join([done, *live.speed_and_time_left()])
