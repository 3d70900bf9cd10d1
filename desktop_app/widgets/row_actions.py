"""Buttons for the common verbs on the row under the mouse (start or stop, a terminal, remove),
at the row's right end, as desktop apps for Docker show them: one click, no menu.

The pane says which verbs a row has (`verbs(index)`: icon, words, what to do); a click selects
the row first, so each verb runs exactly as its toolbar action does, asking where that asks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QToolButton, QWidget

from desktop_app import icons

Verb = tuple[str, str, Callable[[], object]]  # icon, words (tooltip), what to do


class RowActions(QWidget):
    """Attributes: `row` (the index whose buttons show, or an invalid one), `buttons`."""

    def __init__(
        self,
        view: QAbstractItemView,
        verbs: Callable[[QModelIndex], Sequence[Verb]],
        choose: Callable[[QModelIndex], None],
    ) -> None:
        super().__init__(view.viewport())
        self.setObjectName("rowActions")
        self.view = view
        self._verbs = verbs
        self._choose = choose
        self.row = QModelIndex()
        self.buttons: list[QToolButton] = []
        self.setAutoFillBackground(True)
        self.strip = QHBoxLayout(self)
        self.strip.setContentsMargins(2, 0, 2, 0)
        self.strip.setSpacing(2)
        self.hide()
        view.viewport().setMouseTracking(True)
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self.hide)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            self._follow(event.position().toPoint())
        elif event.type() == QEvent.Type.Leave and not self.underMouse():
            self.hide()
        return False

    def _follow(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            self.hide()
            return
        first = index.siblingAtColumn(0)
        if self.isVisible() and first == self.row:
            return
        verbs = self._verbs(first)
        if not verbs:
            self.hide()
            return
        self.row = first
        self._fill(verbs)
        rect = self.view.visualRect(index)
        height = max(rect.height() - 2, 18)
        self.setFixedHeight(height)
        self.adjustSize()
        viewport = self.view.viewport()
        self.move(viewport.width() - self.width() - 4, rect.top() + (rect.height() - height) // 2)
        self.show()
        self.raise_()

    def _fill(self, verbs: Sequence[Verb]) -> None:
        for button in self.buttons:
            self.strip.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for name, words, do in verbs:
            button = QToolButton(self)
            button.setIcon(icons.icon(name))
            button.setIconSize(QSize(16, 16))
            button.setAutoRaise(True)
            button.setToolTip(words)
            button.setAccessibleName(words)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard has the toolbar
            button.clicked.connect(self._then(do))
            self.strip.addWidget(button)
            self.buttons.append(button)

    def _then(self, do: Callable[[], object]) -> Callable[[], None]:
        def go() -> None:
            row = self.row
            self.hide()
            if row.isValid():
                self._choose(row)
                do()

        return go
