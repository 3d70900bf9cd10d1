"""LogView: a container log that stays fast however long it grows.

The model keeps at most `max_lines` lines (and says how many it dropped); the view paints
only the rows on screen, with ANSI colours, stderr marked, timestamps and search matches.
Long lines are cut for display only: copy and export keep them whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_app import ansi
from engine_bridge.streams.log_lines import STDERR, LogLine

NOTICE = 0  # a line Dockyard adds ("the container restarted"), not the container's
DISPLAY_LIMIT = 4000  # characters painted of one line; the rest is there for copy and export
LINE_ROLE = Qt.ItemDataRole.UserRole + 1
_SOURCE_COLOURS = ("#1a73e8", "#188038", "#a142f4", "#e37400", "#d01884", "#007b83")
AnyIndex = QModelIndex | QPersistentModelIndex


class LogModel(QAbstractListModel):
    """Lines of one or more containers. Attributes: `dropped` (lines let go of the front).

    Rows are the LogLines themselves: adding a batch is a list extend, whatever its size.
    """

    def __init__(self, max_lines: int = 100_000, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        self.dropped = 0
        self._all: list[LogLine] = []
        self._shown: list[LogLine] | None = None  # only matching lines, when that is on
        self._pattern: re.Pattern[str] | None = None

    @property
    def rows(self) -> list[LogLine]:
        return self._all if self._shown is None else self._shown

    def append(self, lines: list[LogLine]) -> None:
        if not lines:
            return
        if len(lines) > self.max_lines:
            self.dropped += len(lines) - self.max_lines
            lines = lines[-self.max_lines :]
        if self._shown is None:
            self._insert(self._all, lines)
        else:
            self._all.extend(lines)
            pattern = self._pattern
            self._insert(self._shown, [r for r in lines if pattern is None or _matches(pattern, r)])
        overflow = len(self._all) - self.max_lines
        if overflow > 0:
            self._drop(overflow)

    def _insert(self, target: list[LogLine], rows: list[LogLine]) -> None:
        if not rows:
            return
        first = len(target)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        target.extend(rows)
        self.endInsertRows()

    def _drop(self, count: int) -> None:
        self.dropped += count
        if self._shown is None:
            self.beginRemoveRows(QModelIndex(), 0, count - 1)
            del self._all[:count]
            self.endRemoveRows()
            return
        gone = {id(r) for r in self._all[:count]}
        del self._all[:count]
        shown_gone = 0
        while shown_gone < len(self._shown) and id(self._shown[shown_gone]) in gone:
            shown_gone += 1
        if shown_gone:
            self.beginRemoveRows(QModelIndex(), 0, shown_gone - 1)
            del self._shown[:shown_gone]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._all.clear()
        if self._shown is not None:
            self._shown.clear()
        self.dropped = 0
        self.endResetModel()

    def only_matching(self, pattern: re.Pattern[str] | None) -> None:
        """Show only the lines that match `pattern`; None shows every line again."""
        self.beginResetModel()
        self._pattern = pattern
        self._shown = None if pattern is None else [r for r in self._all if _matches(pattern, r)]
        self.endResetModel()

    def matches(self, pattern: re.Pattern[str]) -> list[int]:
        """The rows (as shown) whose text matches."""
        return [i for i, row in enumerate(self.rows) if _matches(pattern, row)]

    def text_of(self, rows: Sequence[int], timestamps: bool) -> str:
        lines = []
        for i in rows:
            row = self.rows[i]
            prefix = f"{row.timestamp} " if timestamps and row.timestamp else ""
            source = f"{row.source} | " if row.source else ""
            lines.append(f"{prefix}{source}{ansi.strip(row.text)}")
        return "\n".join(lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _DISPLAY:
            return ansi.strip(self.rows[index.row()].text)
        if role == _LINE:
            return self.rows[index.row()]
        return None


def _matches(pattern: re.Pattern[str], line: LogLine) -> bool:
    text = line.text
    return pattern.search(ansi.strip(text) if "\x1b" in text else text) is not None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_LINE = int(LINE_ROLE)


class LogDelegate(QStyledItemDelegate):
    """Paints a log line: timestamp, source, ANSI colours, stderr bar, search matches."""

    def __init__(self, view: LogView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        metrics = self.view.metrics
        height = metrics.height() + 2
        if not self.view.wrap:
            return QSize(100, height)
        row: LogLine = index.data(_LINE)
        columns = max(
            10, (self.view.viewport().width() - 12) // max(1, metrics.horizontalAdvance("M"))
        )
        length = min(len(row.text), DISPLAY_LIMIT) + self._prefix_length(row)
        return QSize(100, height * max(1, -(-length // columns)))

    def _prefix_length(self, row: LogLine) -> int:
        stamp = len(row.timestamp) + 1 if self.view.timestamps and row.timestamp else 0
        return stamp + (len(row.source) + 3 if row.source else 0)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        row: LogLine = index.data(_LINE)
        plain = ansi.strip(row.text)
        view = self.view
        rect: QRect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor("#d2e3fc"))
        elif row.stream == STDERR:
            painter.fillRect(rect, QColor("#fef3f2"))
        if row.stream == STDERR:
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor("#d93025"))
        if row.stream == NOTICE:
            painter.fillRect(rect, QColor("#e8f0fe"))
        painter.setFont(view.font())
        metrics = view.metrics
        width = metrics.horizontalAdvance("M")
        line_height = metrics.height() + 2
        columns = max(10, (rect.width() - 12) // max(1, width)) if view.wrap else 1 << 30
        pieces: list[tuple[str, ansi.Style]] = []
        if view.timestamps and row.timestamp:
            pieces.append((row.timestamp + " ", _STAMP))
        if row.source:
            pieces.append(
                (row.source + " | ", ansi.Style(foreground=view.source_colour(row.source)))
            )
        if len(plain) > DISPLAY_LIMIT:
            hidden = len(plain) - DISPLAY_LIMIT
            pieces.append((plain[:DISPLAY_LIMIT], ansi.PLAIN))
            pieces.append((f" … {hidden:,} more characters (copy or export for all)", _STAMP))
        else:
            pieces.extend(ansi.spans(row.text))
        prefix = self._prefix_length(row)
        for start, end, current in view.highlights(plain[:DISPLAY_LIMIT], index.row()):
            for line_start in range(prefix + start, prefix + end, 1):
                column = line_start % columns
                line_no = line_start // columns
                painter.fillRect(
                    QRect(rect.left() + 6 + column * width, rect.top() + 1 + line_no * line_height,
                          width, line_height),
                    QColor("#fbbc04" if current else "#fde293"),
                )  # fmt: skip
        position = 0
        baseline = rect.top() + 1 + metrics.ascent()
        default = view.palette().text().color()
        for piece, style in pieces:
            painter.setPen(QColor(style.foreground) if style.foreground else default)
            font = view.font()
            if style.bold or style.italic or style.underline:
                font = QFont(font)
                font.setBold(style.bold)
                font.setItalic(style.italic)
                font.setUnderline(style.underline)
            painter.setFont(font)
            while piece:
                column = position % columns
                take = piece[: columns - column]
                x = rect.left() + 6 + column * width
                y = baseline + (position // columns) * line_height
                if style.background:
                    painter.fillRect(QRect(x, y - metrics.ascent(), width * len(take),
                                           metrics.height()), QColor(style.background))  # fmt: skip
                painter.drawText(x, y, take)
                position += len(take)
                piece = piece[len(take) :]
        painter.restore()


_STAMP = ansi.Style(foreground="#80868b")


class LogView(QListView):
    """The view. Attributes: `timestamps`, `wrap`, `follow`; `set_search()` for highlights."""

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.setModel(model)
        self.log_model = model
        self.timestamps = False
        self.wrap = False
        self.follow = True
        self._pattern: re.Pattern[str] | None = None
        self._current: int | None = None
        self._sources: dict[str, str] = {}
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.metrics = QFontMetrics(self.font())
        self.setItemDelegate(LogDelegate(self))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        model.rowsInserted.connect(self._on_rows)

    def source_colour(self, source: str) -> str:
        if source not in self._sources:
            self._sources[source] = _SOURCE_COLOURS[len(self._sources) % len(_SOURCE_COLOURS)]
        return self._sources[source]

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self.setUniformItemSizes(not wrap)
        self.setWordWrap(wrap)
        self.scheduleDelayedItemsLayout()

    def set_timestamps(self, shown: bool) -> None:
        self.timestamps = shown
        self.viewport().update()

    def set_search(self, pattern: re.Pattern[str] | None, current: int | None = None) -> None:
        self._pattern = pattern
        self._current = current
        self.viewport().update()

    def highlights(self, text: str, row: int) -> list[tuple[int, int, bool]]:
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), row == self._current) for m in self._pattern.finditer(text)
                if m.end() > m.start()]  # fmt: skip

    def _on_rows(self, *_: object) -> None:
        if self.follow:
            self.scrollToBottom()

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> str:
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        text = self.log_model.text_of(rows, self.timestamps)
        QApplication.clipboard().setText(text)
        return text
