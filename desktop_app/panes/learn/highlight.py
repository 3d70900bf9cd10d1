"""A ring drawn around a control of the window, to show the learner which one to use. It lets
every click through and follows the control as it moves, resizes, hides or goes away."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from desktop_app import theme

_MARGIN = 4


class Highlight(QWidget):
    """Call `follow(widget)` (None to hide). `target` is the widget ringed now."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("guideHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.target: QWidget | None = None
        self._watched: list[QObject] = []
        self.hide()

    def follow(self, target: QWidget | None) -> None:
        for watched in self._watched:
            watched.removeEventFilter(self)
        self._watched = []
        self.target = target
        if target is None:
            self.hide()
            return
        top = target.window()
        self.setParent(top)
        # Every ancestor's move or resize moves the target within the window.
        place: QWidget | None = target
        while place is not None and place is not top:
            place.installEventFilter(self)
            self._watched.append(place)
            place = place.parentWidget()
        target.destroyed.connect(self._gone)
        self._place()

    def _gone(self) -> None:
        self._watched = []
        self.target = None
        self.hide()

    def _place(self) -> None:
        target = self.target
        if target is None or not target.isVisible():
            self.hide()
            return
        top = target.window()
        corner = target.mapTo(top, target.rect().topLeft())
        self.setGeometry(QRect(corner, target.size()).adjusted(-_MARGIN, -_MARGIN, _MARGIN,
                                                                _MARGIN))  # fmt: skip
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide):  # fmt: skip
            self._place()
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(theme.qcolour("accent"))
        pen = QPen(colour, 3)
        painter.setPen(pen)
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)
