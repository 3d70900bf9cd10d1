"""SparklineDelegate: a cell that shows its figure and, left of it, a tiny chart of the last
minute, drawn with QPainter (the list must not pay for pyqtgraph)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app import theme

_TEXT_WIDTH = 70
_MIN_CHART = 36


class SparklineDelegate(QStyledItemDelegate):
    """Draws `role` data, (values, top of scale), as a line left of the cell's text."""

    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # The cell as usual (background, selection, the figure at its right), then the chart
        # in the room the figure leaves on the left: one pass of the style, not two.
        super().paint(painter, option, index)
        spark = index.data(self._role)
        chart = _chart_rect(option.rect)
        if spark and chart is not None:
            values, top = spark
            _draw(painter, chart, values, top)


def _chart_rect(cell: QRect) -> QRect | None:
    width = cell.width() - _TEXT_WIDTH - 8
    if width < _MIN_CHART:
        return None
    return QRect(cell.left() + 4, cell.top() + 4, width, cell.height() - 8)


def _draw(painter: QPainter, area: QRect, values: list[float], top: float) -> None:
    if len(values) < 2 or top <= 0:
        return
    # A point every two pixels is all a line this small can show: fold the readings into
    # that many (keeping each group's peak, so a spike is not lost).
    slots = max(2, area.width() // 2)
    if len(values) > slots:
        size = -(-len(values) // slots)
        values = [max(values[i : i + size]) for i in range(0, len(values), size)]
    step = area.width() / (len(values) - 1)
    bottom = area.bottom()
    height = area.height()
    line = QPolygonF(
        [
            QPointF(area.left() + i * step, bottom - min(v, top) / top * height)
            for i, v in enumerate(values)
        ]
    )
    painter.save()
    colour = theme.qcolour("accent")
    fill = QColor(colour)
    fill.setAlpha(40)
    area_polygon = QPolygonF(line)
    area_polygon.append(QPointF(area.left() + (len(values) - 1) * step, bottom))
    area_polygon.append(QPointF(area.left(), bottom))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawPolygon(area_polygon)  # a faint fill needs no smoothing: it costs the most
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 1.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline(line)
    painter.restore()
