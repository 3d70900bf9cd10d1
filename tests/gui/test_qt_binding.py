"""The Qt binding itself: a Python override of a C++ virtual must not leak or drop
references. PySide6 6.12.0 drops one reference to None on each call on Python 3.11, and the
app dies with "deallocating None" after enough repaints; pyproject.toml keeps it out."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


class _Painted(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:
        return None


class _Handler(QObject):
    def event(self, event: QEvent) -> bool:
        return False


def test_overrides_keep_the_reference_counts_of_none_and_bools(qtbot: QtBot) -> None:
    widget = _Painted()
    qtbot.addWidget(widget)
    widget.resize(50, 50)
    widget.show()
    handler = _Handler()
    # The collector freeing earlier tests' garbage mid-loop would move the counts too.
    gc.collect()
    gc.disable()
    try:
        none, false = sys.getrefcount(None), sys.getrefcount(False)
        for _ in range(500):
            widget.repaint()
            QCoreApplication.sendEvent(handler, QEvent(QEvent.Type.User))
    finally:
        gc.enable()
    assert abs(sys.getrefcount(None) - none) < 50, "None lost references"
    assert abs(sys.getrefcount(False) - false) < 50, "False lost references"
