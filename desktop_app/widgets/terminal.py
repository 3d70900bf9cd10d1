"""TerminalView: a real terminal (pyte) on a socket into a container.

Keys become the bytes a terminal sends; the screen follows what the program draws, colours
and cursor included; the TTY size follows the widget. Ctrl+Shift+C and Ctrl+Shift+V copy
and paste; the mouse wheel scrolls back.
"""

from __future__ import annotations

import pyte
from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from desktop_app import theme

_COLOURS = theme.TERMINAL
_FOREGROUND, _BACKGROUND = theme.TERMINAL["foreground"], theme.TERMINAL["background"]
_KEYS = {
    Qt.Key.Key_Return: b"\r", Qt.Key.Key_Enter: b"\r", Qt.Key.Key_Backspace: b"\x7f",
    Qt.Key.Key_Tab: b"\t", Qt.Key.Key_Escape: b"\x1b", Qt.Key.Key_Up: b"\x1b[A",
    Qt.Key.Key_Down: b"\x1b[B", Qt.Key.Key_Right: b"\x1b[C", Qt.Key.Key_Left: b"\x1b[D",
    Qt.Key.Key_Home: b"\x1b[H", Qt.Key.Key_End: b"\x1b[F", Qt.Key.Key_Delete: b"\x1b[3~",
    Qt.Key.Key_PageUp: b"\x1b[5~", Qt.Key.Key_PageDown: b"\x1b[6~", Qt.Key.Key_Insert: b"\x1b[2~",
}  # fmt: skip


def _colour(name: str, default: str) -> QColor:
    if name == "default":
        return QColor(default)
    if len(name) == 6 and all(c in "0123456789abcdefABCDEF" for c in name):
        return QColor(f"#{name}")
    return QColor(_COLOURS.get(name, default))


class TerminalView(QWidget):
    """Signals: `typed(bytes)` for what to send, `resized(rows, cols)` for the TTY size."""

    typed = Signal(bytes)
    resized = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, rows: int = 24, cols: int = 80) -> None:
        super().__init__(parent)
        self.setObjectName("terminalView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(9, font.pointSize()))
        self.setFont(font)
        self.metrics = QFontMetrics(font)
        self.cell_width = max(1, self.metrics.horizontalAdvance("M"))
        self.cell_height = max(1, self.metrics.height())
        self.term = pyte.HistoryScreen(cols, rows, history=5000, ratio=0.5)
        self.term.set_mode(pyte.modes.LNM)
        self.stream = pyte.ByteStream(self.term)
        self.input_enabled = True
        self._selection: tuple[tuple[int, int], tuple[int, int]] | None = None
        self._resize_timer = QTimer(self, singleShot=True, interval=80)
        self._resize_timer.timeout.connect(self._apply_size)
        self.setMinimumSize(self.cell_width * 20, self.cell_height * 5)

    # --- output -----------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)
        self.update()

    def text(self) -> str:
        """What the screen shows, one line per row, trailing blanks removed."""
        return "\n".join(line.rstrip() for line in self.term.display)

    def note(self, message: str) -> None:
        """Print a message of Dockyard's own (not the container's) and stop taking input."""
        self.feed(f"\r\n\x1b[7m {message} \x1b[0m\r\n".encode())
        self.input_enabled = False

    # --- size -------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resize_timer.start()

    def grid_size(self) -> tuple[int, int]:
        rows = max(5, (self.height() - 4) // self.cell_height)
        cols = max(20, (self.width() - 4) // self.cell_width)
        return rows, cols

    def fit(self) -> None:
        """Take the size the widget has now (rather than after the resize settles)."""
        self._resize_timer.stop()
        self._apply_size()

    def _apply_size(self) -> None:
        rows, cols = self.grid_size()
        if (rows, cols) != (self.term.lines, self.term.columns):
            if rows < self.term.lines:
                self._shrink_rows(rows)
            self.term.resize(rows, cols)
            self.update()
            self.resized.emit(rows, cols)

    def _shrink_rows(self, rows: int) -> None:
        """Take rows away as a terminal does: first the blank ones below the cursor, then
        from the top, the cursor staying on its line (pyte only drops the top rows, which
        loses what a short session wrote, and leaves the cursor where it was)."""
        term = self.term
        excess = term.lines - rows
        below = max(0, term.lines - 1 - term.cursor.y)
        from_bottom = min(excess, below)
        for y in range(term.lines - from_bottom, term.lines):
            term.buffer.pop(y, None)
        term.lines -= from_bottom
        term.set_margins()
        from_top = excess - from_bottom
        if from_top:
            term.resize(rows, term.columns)
            term.cursor.y = max(0, term.cursor.y - from_top)
        term.dirty.update(range(rows))

    # --- input ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers()
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if ctrl and shift and event.key() == Qt.Key.Key_C:
            QGuiApplication.clipboard().setText(self.selected_text() or self.text())
            return
        if ctrl and shift and event.key() == Qt.Key.Key_V:
            self.send(QGuiApplication.clipboard().text().encode())
            return
        data = _KEYS.get(Qt.Key(event.key()))
        if data is None and ctrl and Qt.Key.Key_A <= event.key() <= Qt.Key.Key_Z:
            data = bytes([event.key() - Qt.Key.Key_A + 1])  # Ctrl+C is 0x03, Ctrl+D 0x04
        if data is None and event.text():
            data = event.text().encode()
        if data:
            self.send(data)
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, _next: bool) -> bool:
        return False  # Tab belongs to the shell (completion), not to focus changes

    def send(self, data: bytes) -> None:
        if self.input_enabled:
            if self.term.history.position < self.term.history.size:
                self.term.next_page()  # typing returns to the bottom
            self.typed.emit(data)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.angleDelta().y() > 0:
            self.term.prev_page()
        else:
            self.term.next_page()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        cell = self._cell(event)
        self._selection = (cell, cell)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._selection is not None:
            self._selection = (self._selection[0], self._cell(event))
            self.update()

    def _cell(self, event: QMouseEvent) -> tuple[int, int]:
        point = event.position()
        return int(point.y()) // self.cell_height, int(point.x()) // self.cell_width

    def selected_text(self) -> str:
        if self._selection is None or self._selection[0] == self._selection[1]:
            return ""
        (r1, c1), (r2, c2) = sorted(self._selection)
        lines = self.term.display[r1 : r2 + 1]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][c1:c2].rstrip()
        return "\n".join([lines[0][c1:].rstrip(), *(row.rstrip() for row in lines[1:-1]),
                          lines[-1][:c2].rstrip()])  # fmt: skip

    # --- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(_BACKGROUND))
        width, height, ascent = self.cell_width, self.cell_height, self.metrics.ascent()
        base = self.font()
        bold = QFont(base)
        bold.setBold(True)
        term = self.term
        for y in range(term.lines):
            line = term.buffer[y]
            for x in range(term.columns):
                char = line[x]
                fg = _colour(char.fg, _FOREGROUND)
                bg = _colour(char.bg, _BACKGROUND)
                if char.reverse:
                    fg, bg = bg, fg
                if self._selected(y, x):
                    fg, bg = QColor(_BACKGROUND), QColor(_FOREGROUND)
                if bg != QColor(_BACKGROUND):
                    painter.fillRect(QRect(2 + x * width, 2 + y * height, width, height), bg)
                if char.data.strip():
                    painter.setFont(bold if char.bold else base)
                    painter.setPen(fg)
                    painter.drawText(2 + x * width, 2 + y * height + ascent, char.data)
        if not term.cursor.hidden and self.input_enabled:
            cursor = QRect(2 + term.cursor.x * width, 2 + term.cursor.y * height, width, height)
            shade = QColor(_FOREGROUND)
            shade.setAlpha(140 if self.hasFocus() else 60)
            painter.fillRect(cursor, shade)
        painter.end()

    def _selected(self, y: int, x: int) -> bool:
        if self._selection is None or self._selection[0] == self._selection[1]:
            return False
        start, end = sorted(self._selection)
        return start <= (y, x) < end
