"""LogView: a container log that stays fast however long it grows.

The model keeps at most `max_lines` lines (and says how many it dropped); the view paints
only the rows on screen, with ANSI colours, stderr marked, timestamps and search matches.
Long lines are cut for display only: copy and export keep them whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QFontMetricsF,
    QKeySequence,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop_app import ansi, theme
from engine_bridge import STDERR, LogLine

#: Rows measured per turn of the event loop when lines wrap (each is asked for its height).
FIT_SLICE = 200
NOTICE = 0  # a line Dockyard adds ("the container restarted"), not the container's
DISPLAY_LIMIT = 4000  # characters painted of one line; the rest is there for copy and export
LINE_ROLE = Qt.ItemDataRole.UserRole + 1
_SOURCE_COLOURS = theme.SERIES
AnyIndex = QModelIndex | QPersistentModelIndex


class _Lines:
    """Lines stored by column: a few lists of strings and a bytearray, whatever the count.

    A hundred thousand LogLine objects would each be tracked by Python's cycle collector,
    whose full passes then stall the UI for ~100 ms; strings and a bytearray are not.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.streams = bytearray()
        self.stamps: list[str] = []
        self.sources: list[str] = []

    def __len__(self) -> int:
        return len(self.texts)

    def extend(self, lines: Sequence[LogLine]) -> None:
        if not lines:
            return
        streams, texts, stamps, sources = zip(*lines, strict=True)  # by column, in C
        self.texts.extend(texts)
        self.streams.extend(streams)
        self.stamps.extend(stamps)
        self.sources.extend(sources)

    def drop_front(self, count: int) -> None:
        del self.texts[:count], self.streams[:count], self.stamps[:count], self.sources[:count]

    def clear(self) -> None:
        self.drop_front(len(self.texts))

    def line(self, i: int) -> LogLine:
        return LogLine(self.streams[i], self.texts[i], self.stamps[i], self.sources[i])


class LogModel(QAbstractListModel):
    """Lines of one or more containers. Attributes: `dropped` (lines let go of the front)."""

    def __init__(self, max_lines: int = 100_000, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        self.dropped = 0
        self._lines = _Lines()
        # With "only matching lines": the shown lines, as numbers counted from the first
        # line ever received (so that dropping lines at the front moves nothing).
        self._shown: list[int] | None = None
        self._pattern: re.Pattern[str] | None = None

    @property
    def rows(self) -> list[LogLine]:
        """The shown lines as LogLines (made on request: for tests and small logs)."""
        return [self.line(i) for i in range(self.rowCount())]

    def line(self, row: int) -> LogLine:
        return self._lines.line(self._at(row))

    def _at(self, row: int) -> int:
        return row if self._shown is None else self._shown[row] - self.dropped

    def append(self, lines: list[LogLine]) -> None:
        if not lines:
            return
        if len(lines) > self.max_lines:
            self.dropped += len(lines) - self.max_lines
            lines = lines[-self.max_lines :]
        first = len(self._lines)
        if self._shown is None:
            self.beginInsertRows(QModelIndex(), first, first + len(lines) - 1)
            self._lines.extend(lines)
            self.endInsertRows()
        else:
            self._lines.extend(lines)
            pattern = self._pattern
            number = self.dropped + first
            wanted = [number + i for i, line in enumerate(lines)
                      if pattern is None or _matches(pattern, line[1])]  # fmt: skip
            if wanted:
                start = len(self._shown)
                self.beginInsertRows(QModelIndex(), start, start + len(wanted) - 1)
                self._shown.extend(wanted)
                self.endInsertRows()
        overflow = len(self._lines) - self.max_lines
        if overflow > 0:
            self._drop(overflow)

    def _drop(self, count: int) -> None:
        if self._shown is None:
            self.beginRemoveRows(QModelIndex(), 0, count - 1)
            self._lines.drop_front(count)
            self.dropped += count
            self.endRemoveRows()
            return
        self._lines.drop_front(count)
        self.dropped += count
        gone = 0
        while gone < len(self._shown) and self._shown[gone] < self.dropped:
            gone += 1
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
            del self._shown[:gone]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._lines.clear()
        if self._shown is not None:
            self._shown.clear()
        self.dropped = 0
        self.endResetModel()

    def only_matching(self, pattern: re.Pattern[str] | None) -> None:
        """Show only the lines that match `pattern`; None shows every line again."""
        self.beginResetModel()
        self._pattern = pattern
        if pattern is None:
            self._shown = None
        else:
            base = self.dropped
            self._shown = [base + i for i, text in enumerate(self._lines.texts)
                           if _matches(pattern, text)]  # fmt: skip
        self.endResetModel()

    def matches(self, pattern: re.Pattern[str]) -> list[int]:
        """The rows (as shown) whose text matches."""
        texts = self._lines.texts
        if self._shown is None:
            return [i for i, text in enumerate(texts) if _matches(pattern, text)]
        base = self.dropped
        return [i for i, n in enumerate(self._shown) if _matches(pattern, texts[n - base])]

    def text_of(self, rows: Sequence[int], timestamps: bool) -> str:
        lines = []
        for i in rows:
            row = self.line(i)
            prefix = f"{row.timestamp} " if timestamps and row.timestamp else ""
            source = f"{row.source} | " if row.source else ""
            lines.append(f"{prefix}{source}{ansi.strip(row.text)}")
        return "\n".join(lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._lines) if self._shown is None else len(self._shown)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _DISPLAY:
            return ansi.strip(self._lines.texts[self._at(index.row())])
        if role == _LINE:
            return self.line(index.row())
        return None


def _matches(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.search(ansi.strip(text)) is not None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_LINE = int(LINE_ROLE)


class LogDelegate(QStyledItemDelegate):
    """Paints a log line: timestamp, source, ANSI colours, stderr bar, search matches."""

    def __init__(self, view: LogView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        height = self.view.line_height()
        if not self.view.wrap:
            return QSize(100, height)
        row: LogLine = index.data(_LINE)
        columns = max(10, int((self.view.viewport().width() - 12) // self.view.char_width))
        length = min(len(row.text), DISPLAY_LIMIT) + self._prefix_length(row)
        return QSize(100, height * max(1, -(-length // columns)))

    def _prefix_length(self, row: LogLine) -> int:
        stamp = len(row.timestamp) + 2 if self.view.timestamps and row.timestamp else 0
        return stamp + (len(row.source) + 3 if row.source else 0)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        row: LogLine = index.data(_LINE)
        plain = ansi.strip(row.text)
        view = self.view
        rect: QRect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor(theme.colour("selection")))
        elif row.stream == STDERR:
            painter.fillRect(rect, QColor(theme.colour("stderr")))
        if row.stream == STDERR:
            painter.fillRect(
                QRect(rect.left(), rect.top(), 3, rect.height()),
                QColor(theme.colour("stderr.mark")),
            )
        if row.stream == NOTICE:
            painter.fillRect(rect, QColor(theme.colour("notice")))
        painter.setFont(view.font())
        metrics = view.metrics
        width = view.char_width
        line_height = metrics.height() + 2
        columns = max(10, int((rect.width() - 12) // width)) if view.wrap else 1 << 30
        pieces: list[tuple[str, ansi.Style]] = []
        stamp = ansi.Style(foreground=theme.colour("stamp"))
        if view.timestamps and row.timestamp:
            pieces.append((row.timestamp + "  ", stamp))
        if row.source:
            pieces.append(
                (row.source + " | ", ansi.Style(foreground=view.source_colour(row.source)))
            )
        if len(plain) > DISPLAY_LIMIT:
            hidden = len(plain) - DISPLAY_LIMIT
            pieces.append((plain[:DISPLAY_LIMIT], ansi.PLAIN))
            pieces.append((f" … {hidden:,} more characters (copy or export for all)", stamp))
        else:
            pieces.extend(ansi.spans(row.text))
        prefix = self._prefix_length(row)
        for start, end, current in view.highlights(plain[:DISPLAY_LIMIT], index.row()):
            for line_start in range(prefix + start, prefix + end, 1):
                column = line_start % columns
                line_no = line_start // columns
                painter.fillRect(
                    QRectF(rect.left() + 6 + column * width, rect.top() + 1 + line_no * line_height,
                           width, line_height),
                    QColor(theme.colour("match.current" if current else "match")),
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
                    painter.fillRect(QRectF(x, y - metrics.ascent(), width * len(take),
                                           metrics.height()), QColor(style.background))  # fmt: skip
                painter.drawText(QPointF(x, y), take)
                position += len(take)
                piece = piece[len(take) :]
        painter.restore()


class LogView(QTableView):
    """The view. Attributes: `timestamps`, `wrap`, `follow`; `set_search()` for highlights.

    A table of one column whose rows all have the height of a line (unless lines wrap): it
    asks the model only for the rows on screen. A list view lays every row out again after
    each change, asking the model about each of them: with 100,000 lines streaming in, that
    was millions of calls into Python a second, each waiting for the GIL.
    """

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.setAccessibleName("Log lines")
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
        #: A character's advance: fractional (7.2 px here), so whole-pixel steps would
        #: draw a wrapped line past the edge, a fifth of a pixel more per character.
        self.char_width = QFontMetricsF(self.font()).horizontalAdvance("M")
        self.setItemDelegate(LogDelegate(self))
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self._one_line_rows()
        # With wrapped lines, rows are measured a slice at a time from `_fit_from` on.
        self._fit_from = 0
        self._fit_dropped = 0  # the model's dropped count when _fit_from was set
        self._fitting = QTimer(self)
        self._fitting.setInterval(0)
        self._fitting.timeout.connect(self._fit_slice)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        model.rowsInserted.connect(self._on_rows)
        # Rows are laid out in batches after they arrive: the bottom moves when they are, and
        # a followed log keeps up with it then too.
        self.verticalScrollBar().rangeChanged.connect(self._on_range)

    def source_colour(self, source: str) -> str:
        if source not in self._sources:
            self._sources[source] = _SOURCE_COLOURS[len(self._sources) % len(_SOURCE_COLOURS)]
        return self._sources[source]

    def line_height(self) -> int:
        return self.metrics.height() + 2

    def set_wrap(self, wrap: bool) -> None:
        """Wrap long lines (each row as tall as its words need), or cut them at the edge."""
        self.wrap = wrap
        if wrap:
            self._fit_from_row(0)
        else:
            self._fitting.stop()
            self._one_line_rows()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.wrap and event.size().width() != event.oldSize().width():
            self._fit_from_row(0)  # narrower: more lines per row

    def _one_line_rows(self) -> None:
        """Every row the height of one line: a fresh row header (one row at a time, 100,000
        rows took seconds to set back)."""
        rows = QHeaderView(Qt.Orientation.Vertical, self)
        rows.hide()
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.line_height())
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setVerticalHeader(rows)

    def _fit_from_row(self, first: int) -> None:
        """Measure the rows on screen now, and the rows from `first` on a slice per turn of
        the loop: tens of thousands of rows at once would stall the UI for seconds."""
        count = self.log_model.rowCount()
        top = max(0, self.rowAt(0))
        bottom = self.rowAt(self.viewport().height())
        self._fit_rows(top, count - 1 if bottom < 0 else bottom)
        if self._fitting.isActive():
            first = min(first, self._pending_fit())
        self._fit_from, self._fit_dropped = first, self.log_model.dropped
        self._fitting.start()

    def _pending_fit(self) -> int:
        """Where measuring goes on, the rows dropped at the top since counted in."""
        return max(0, self._fit_from - (self.log_model.dropped - self._fit_dropped))

    def _fit_slice(self) -> None:
        first = self._pending_fit()
        last = min(first + FIT_SLICE, self.log_model.rowCount()) - 1
        self._fit_rows(first, last)
        self._fit_from, self._fit_dropped = last + 1, self.log_model.dropped
        if last + 1 >= self.log_model.rowCount():
            self._fitting.stop()

    def _fit_rows(self, first: int, last: int) -> None:
        """Give rows the height their wrapped words need (not resizeRowsToContents(): that
        counts the hidden header's row numbers in)."""
        for row in range(first, last + 1):
            height = self.sizeHintForRow(row)
            if height != self.rowHeight(row):
                self.setRowHeight(row, height)

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

    def _on_rows(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if self.wrap:  # the new rows only: the others keep their heights
            self._fit_from_row(first)
        if self.follow:
            self.scrollToBottom()

    def _on_range(self, _low: int, high: int) -> None:
        if self.follow:
            self.verticalScrollBar().setValue(high)

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
