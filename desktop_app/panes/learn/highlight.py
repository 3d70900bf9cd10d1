"""A ring drawn around a control of the window, to show the learner which one to use. It lets
every click through and follows the control as it moves, resizes, hides or goes away (with
the dialog it is in, say)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from desktop_app import theme

_MARGIN = 4


class _Ring(QWidget):
    """The ring itself: a child of the target's window, drawn over it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("guideHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.qcolour("accent"), 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)


class Highlight(QObject):
    """Call `follow(widget)` (None to take the ring away). `target` is the widget ringed
    now (None once it is gone)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._target: QWidget | None = None
        self._ring: _Ring | None = None
        self._watched: list[QObject] = []

    @property
    def target(self) -> QWidget | None:
        target = self._target
        return target if target is not None and shiboken6.isValid(target) else None

    def follow(self, target: QWidget | None) -> None:
        for watched in self._watched:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []
        if self._ring is not None and shiboken6.isValid(self._ring):
            self._ring.hide()
            self._ring.deleteLater()
        self._ring = None
        self._target = target if target is not None and shiboken6.isValid(target) else None
        if self._target is None:
            return
        top = self._target.window()
        self._ring = _Ring(top)
        # Every ancestor's move or resize moves the target within its window.
        place: QWidget | None = self._target
        while place is not None and place is not top:
            place.installEventFilter(self)
            self._watched.append(place)
            place = place.parentWidget()
        self._place()

    def _place(self) -> None:
        target, ring = self.target, self._ring
        if ring is None or not shiboken6.isValid(ring):
            return
        if target is None or not target.isVisible():
            ring.hide()
            return
        corner = target.mapTo(target.window(), target.rect().topLeft())
        ring.setGeometry(QRect(corner, target.size()).adjusted(-_MARGIN, -_MARGIN, _MARGIN,
                                                                _MARGIN))  # fmt: skip
        ring.show()
        ring.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide):  # fmt: skip
            self._place()
        return False
