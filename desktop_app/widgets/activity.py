"""The activity drawer and command log: every operation the user ran, its state and progress,
and its docker command (each option explained on hover), with those of earlier launches
(kept by the command log). Long work (pull, push, save, load) shows a progress bar, its
layers, and Cancel. Commands can be copied, exported as a shell script, or typed into a
terminal on this computer."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
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
from desktop_app.command_log import CommandLog, LoggedCommand, as_script
from desktop_app.learning import explain_command, text
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
_OUTCOME_TEXT = {"done": "Done", "failed": "Failed", "cancelled": "Cancelled"}
_OUTCOME_COLOUR = {"failed": "bad", "done": "good"}
KEEP = 500
#: Columns.
ACTION, STATE, COMMAND, WHEN, BUTTONS = range(5)


def command_tooltip(command: str) -> str:
    """The command, and each of its options in one line."""
    lines = [command]
    explained = explain_command(command)
    if explained:
        lines += ["", *(f"{option}: {words}" for option, words in explained)]
    return "\n".join(lines)


def when_words(when: float, now: float | None = None) -> str:
    """A time of today as 14:03:07; an earlier one with its date."""
    now = time.time() if now is None else now
    today = time.localtime(now)[:3] == time.localtime(when)[:3]
    return time.strftime("%H:%M:%S" if today else "%Y-%m-%d %H:%M", time.localtime(when))


class ActivityView(QWidget):
    """A list of operations, newest first, under those of the command log. Feed it with
    `show_operation(op)`; finished ones go into `log`. Signal `type_requested(command)`: the
    user wants the command typed into a terminal on this computer."""

    type_requested = Signal(str)

    def __init__(self, log: CommandLog | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityView")
        self.log = log
        #: The engine in use, as the command log names it.
        self.engine = ""
        self.tree = QTreeWidget()
        self.tree.setObjectName("activityList")
        self.tree.setHeaderLabels(["Action", "State", "Equivalent docker command", "When", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setSectionResizeMode(ACTION, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COMMAND, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BUTTONS, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setColumnWidth(ACTION, 260)
        self.tree.setColumnWidth(STATE, 330)
        self.hint = QLabel(text("activity.empty"))
        self.hint.setWordWrap(True)
        theme.mark(self.hint, "muted")
        self.hint.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        self.copy_button = self._bar_button("Copy", "copySelected",
                                            "Copy the chosen commands, oldest first")  # fmt: skip
        self.export_button = self._bar_button("Export as script…", "exportScript",
                                              "Save the chosen commands (or all of them) as a "
                                              "shell script")  # fmt: skip
        self.type_button = self._bar_button(
            "Try in a terminal", "typeInTerminal", "Open a shell on this computer, aimed at the "
            "engine in use, with the command typed in for you to run",
        )  # fmt: skip
        self.clear_button = self._bar_button("Clear the log", "clearLog",
                                             "Forget the commands of earlier launches")  # fmt: skip
        self.copy_button.clicked.connect(self.copy_selected)
        self.export_button.clicked.connect(self._on_export)
        self.type_button.clicked.connect(self._on_type)
        self.clear_button.clicked.connect(self.clear_log)
        for button in (self.copy_button, self.export_button, self.type_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._bars: dict[int, QProgressBar] = {}
        self._cancels: dict[int, QToolButton] = {}
        self._logged: set[int] = set()
        self._earlier_shown = False
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        """The commands of earlier launches are read when the drawer is first opened, not
        while the app starts."""
        super().showEvent(event)
        self.show_earlier()

    def _bar_button(self, words: str, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(words)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # --- the command log ------------------------------------------------------------------

    def show_earlier(self) -> None:
        """The commands of earlier launches, under this launch's (once)."""
        if self.log is None or self._earlier_shown:
            return
        self._earlier_shown = True
        mine = {entry.when for entry in self.entries()}  # this launch's, logged already
        earlier = [e for e in self.log.entries()[-KEEP:] if e.when not in mine]
        self.tree.addTopLevelItems([self._entry_item(e) for e in reversed(earlier)])
        self.hint.setVisible(self.tree.topLevelItemCount() == 0)
        self._update_buttons()

    def _entry_item(self, entry: LoggedCommand) -> QTreeWidgetItem:
        item = QTreeWidgetItem([entry.title, _OUTCOME_TEXT.get(entry.outcome, entry.outcome),
                                entry.command, when_words(entry.when), ""])  # fmt: skip
        item.setData(ACTION, Qt.ItemDataRole.UserRole + 1, entry)
        item.setToolTip(COMMAND, command_tooltip(entry.command))
        if entry.detail:
            item.setToolTip(STATE, entry.detail)
        colour = _OUTCOME_COLOUR.get(entry.outcome)
        if colour:
            item.setForeground(STATE, QBrush(theme.qcolour(colour)))
        return item

    def _record(self, operation: Operation[Any]) -> None:
        if operation.id in self._logged:
            return
        entry = LoggedCommand.of(operation, self.engine)
        if entry is None:
            return
        self._logged.add(operation.id)
        item = self._items.get(operation.id)
        if item is not None:
            item.setData(ACTION, Qt.ItemDataRole.UserRole + 1, entry)
            item.setText(WHEN, when_words(entry.when))
        if self.log is not None:
            with contextlib.suppress(OSError):  # a full disk: the drawer still shows it
                self.log.add(entry)

    def entries(self, chosen_only: bool = False) -> list[LoggedCommand]:
        """The finished commands chosen, oldest first; with none chosen, every one shown
        (none, if `chosen_only`)."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        chosen = [item for item in items if item is not None and item.isSelected()]
        pool = chosen if chosen or chosen_only else items
        found = [item.data(ACTION, Qt.ItemDataRole.UserRole + 1) for item in pool if item]
        return [entry for entry in reversed(found) if isinstance(entry, LoggedCommand)]

    def copy_selected(self) -> None:
        commands = [entry.command for entry in self.entries(chosen_only=True)]
        if commands:
            QGuiApplication.clipboard().setText("\n".join(commands) + "\n")

    def export_script(self, path: str) -> int:
        """Write the chosen commands (all, if none is chosen) as a shell script; how many."""
        entries = self.entries()
        with open(path, "w", encoding="utf-8") as script:
            script.write(as_script(entries))
        with contextlib.suppress(OSError):
            os.chmod(path, 0o755)
        return len(entries)

    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export commands as a shell script",
                                              "docker-commands.sh")  # fmt: skip
        if path:
            try:
                count = self.export_script(path)
            except OSError as exc:
                self.hint.setText(f"The script could not be written: {exc.strerror or exc}.")
                self.hint.show()
                return
            self.hint.setText(f"{count} command{'s' if count != 1 else ''} written to {path}.")
            self.hint.show()

    def _on_type(self) -> None:
        entries = self.entries(chosen_only=True)
        if entries:
            self.type_requested.emit(" && ".join(e.command for e in entries))

    def clear_log(self) -> None:
        """Forget the commands kept; what this launch still shows stays on screen."""
        if self.log is not None:
            self.log.clear()
        for index in reversed(range(self.tree.topLevelItemCount())):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(ACTION, Qt.ItemDataRole.UserRole) is None:
                self.tree.takeTopLevelItem(index)
        self._update_buttons()

    def _update_buttons(self) -> None:
        have = bool(self.entries())
        chosen = bool(self.entries(chosen_only=True))
        self.copy_button.setEnabled(chosen)
        self.type_button.setEnabled(chosen)
        self.export_button.setEnabled(have)
        self.clear_button.setEnabled(self.log is not None and have)

    def show_operation(self, operation: Operation[Any]) -> None:
        item = self._items.get(operation.id)
        if item is None:
            item = self._add(operation)
        finished = operation.state.finished
        if finished:
            self._record(operation)
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
        self.hint.setVisible(self.tree.topLevelItemCount() == 0)
        self._update_buttons()

    def _add(self, operation: Operation[Any]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([operation.title, "", operation.command, "", ""])
        item.setData(ACTION, Qt.ItemDataRole.UserRole, operation.id)
        item.setToolTip(COMMAND, command_tooltip(operation.command))
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
        self.tree.setItemWidget(item, BUTTONS, buttons)
        self._items[operation.id] = item
        self._trim()
        return item

    def _show_layers(
        self, item: QTreeWidgetItem, progress: TransferProgress, finished: bool
    ) -> None:
        layers = list(progress.layers.values())
        while item.childCount() < len(layers):
            item.addChild(QTreeWidgetItem(["", "", "", "", ""]))
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
        return [item.text(COMMAND) for item in items if item is not None]


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
