"""Go to anything (Ctrl+K): every pane, every action that applies now, and every container,
image and volume, found by typing a few letters of each word."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme


@dataclass(frozen=True)
class Entry:
    """One thing to go to or do: `words` as listed, `what` it is ("Pane", "Container"…)."""

    words: str
    what: str
    go: Callable[[], None]


def matches(query: str, words: str) -> bool:
    """Whether every word typed begins a word of `words`, or is found inside it."""
    haystack = words.lower()
    return all(part in haystack for part in query.lower().split())


def rank(query: str, words: str) -> tuple[int, int, str]:
    """Entries whose words begin with what was typed come first, shorter ones before longer."""
    lowered, typed = words.lower(), query.lower().strip()
    starts = 0 if typed and lowered.startswith(typed) else 1
    return starts, len(words), lowered


class CommandPalette(QDialog):
    """The list narrows as the user types; Enter (or a click) goes; Escape closes.
    Attributes: `query`, `results`, `chosen` (the entry gone to, if any)."""

    def __init__(self, entries: Sequence[Entry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Go to anything")
        self.entries = list(entries)
        self.chosen: Entry | None = None
        self.query = QLineEdit(placeholderText="Type a pane, an action, or a name…")
        self.query.setAccessibleName("What to go to")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Matches")
        self.results.setUniformItemSizes(True)
        self.hint = QLabel("↑↓ to choose · Enter to go · Esc to close")
        theme.mark(self.hint, "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        self.resize(560, 420)
        self.query.textChanged.connect(self._narrow)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(self._go)
        self._narrow("")

    def _narrow(self, query: str) -> None:
        self.results.clear()
        found = [e for e in self.entries if matches(query, f"{e.words} {e.what}")]
        for entry in sorted(found, key=lambda e: rank(query, e.words)):
            item = QListWidgetItem(f"{entry.words}    ·  {entry.what}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The arrows move in the list while the typing stays in the box.
        if watched is self.query and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
            ):  # fmt: skip
                self.results.keyPressEvent(event)
                return True
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter,
            ):  # fmt: skip
                self._go(self.results.currentItem())
                return True
        return super().eventFilter(watched, event)

    def _go(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
