"""SparklineDelegate: a cell that shows its figure and, left of it, a tiny chart of the last
minute, drawn with QPainter (the list must not pay for pyqtgraph)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app import theme

_TEXT_WIDTH = 70
_MIN_CHART = 36
_PADDING = 4  # the figure's distance from the cell's right edge
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_SELECTED = QStyle.StateFlag.State_Selected
_DISPLAY = Qt.ItemDataRole.DisplayRole
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_NO_PEN = Qt.PenStyle.NoPen
_NO_BRUSH = Qt.BrushStyle.NoBrush
_SMOOTH = QPainter.RenderHint.Antialiasing
_TEXT = QPalette.ColorRole.Text
_SELECTED_TEXT = QPalette.ColorRole.HighlightedText
#: The line's pen and the fill's colour, for the dark theme and for the light one.
_INK: dict[bool, tuple[QPen, QColor]] = {}


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
        # These cells are drawn again every second, for every row on screen: the panel as
        # the style draws it (selection, hover), then the figure and the chart by hand. The
        # full item pass would ask the model for a dozen roles and lay the text out first.
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(_PANEL, option, painter, widget)
        selected = bool(option.state & _SELECTED)
        figure = index.data(_DISPLAY)
        if figure:
            role = _SELECTED_TEXT if selected else _TEXT
            painter.save()
            painter.setPen(option.palette.color(role))
            painter.setFont(option.font)
            painter.drawText(option.rect.adjusted(0, 0, -_PADDING, 0), _RIGHT, figure)
            painter.restore()
        spark = index.data(self._role)
        chart = _chart_rect(option.rect)
        if spark and chart is not None:
            values, top = spark
            # On a selected row, in the colour of its words: the accent would not show.
            on = option.palette.color(_SELECTED_TEXT) if selected else None
            _draw(painter, chart, values, top, on)


def _chart_rect(cell: QRect) -> QRect | None:
    width = cell.width() - _TEXT_WIDTH - 8
    if width < _MIN_CHART:
        return None
    return QRect(cell.left() + 4, cell.top() + 4, width, cell.height() - 8)


def _draw(
    painter: QPainter, area: QRect, values: list[float], top: float, colour: QColor | None
) -> None:
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
    pen, fill = _ink() if colour is None else _made_ink(colour)
    painter.save()
    area_polygon = QPolygonF(line)
    area_polygon.append(QPointF(area.left() + (len(values) - 1) * step, bottom))
    area_polygon.append(QPointF(area.left(), bottom))
    painter.setPen(_NO_PEN)
    painter.setBrush(fill)
    painter.drawPolygon(area_polygon)  # a faint fill needs no smoothing: it costs the most
    painter.setRenderHint(_SMOOTH)
    painter.setPen(pen)
    painter.setBrush(_NO_BRUSH)
    painter.drawPolyline(line)
    painter.restore()


def _ink() -> tuple[QPen, QColor]:
    """The pen and fill in the theme's accent, made once per theme."""
    dark = theme.dark()
    if dark not in _INK:
        _INK[dark] = _made_ink(theme.qcolour("accent"))
    return _INK[dark]


def _made_ink(colour: QColor) -> tuple[QPen, QColor]:
    fill = QColor(colour)
    fill.setAlpha(40)
    return QPen(colour, 1.2), fill
