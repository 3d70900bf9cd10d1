"""The filter over the container tree: text and "show stopped". The order is the model's
(ContainersModel.sort): a click on a column's header sorts the model itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt

from desktop_app.panes.containers.model import FILTER_ROLE, NAME, search_text
from engine_bridge import ContainerSummary


class ContainerFilter(QSortFilterProxyModel):
    """Shows the containers that match the text and, unless `show_stopped`, run.

    A Compose project's row shows while any of its containers does. Qt matches each row's
    FILTER_ROLE ("R" or "S", a tab, then what the text is looked for in) against one regular
    expression: no Python runs per row but the model's answer.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._show_stopped = True
        self.setRecursiveFilteringEnabled(True)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(NAME)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower()
        self._refilter()

    def set_show_stopped(self, show: bool) -> None:
        self._show_stopped = show
        self._refilter()

    def _refilter(self) -> None:
        if self._show_stopped and not self._text:
            pattern = ""  # everything
        else:
            states = "[RS]" if self._show_stopped else "R"
            pattern = f"^{states}\\t.*{QRegularExpression.escape(self._text)}"
        self.setFilterRegularExpression(QRegularExpression(pattern))

    def accepts(self, container: ContainerSummary) -> bool:
        """Whether `container` passes the filter, without asking the view (the same test
        as the expression's)."""
        if not self._show_stopped and not container.is_running:
            return False
        return not self._text or self._text in search_text(container)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The model keeps the order: see ContainersModel.sort."""
        model = self.sourceModel()
        if model is not None and column >= 0:
            model.sort(column, order)
