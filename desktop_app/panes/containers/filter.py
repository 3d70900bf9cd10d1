"""The filter and sort over the container tree: text, "show stopped", column order."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from desktop_app.panes.containers.model import CONTAINER_ROLE, SORT_ROLE
from engine_bridge import ContainerSummary


class ContainerFilter(QSortFilterProxyModel):
    """Shows the containers that match the text and, unless `show_stopped`, run.

    A Compose project's row shows while any of its containers does.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._show_stopped = True
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_stopped(self, show: bool) -> None:
        self.beginFilterChange()
        self._show_stopped = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, container: ContainerSummary) -> bool:
        """Whether `container` passes the filter, without asking the view."""
        if not self._show_stopped and not container.is_running:
            return False
        haystack = (
            f"{container.name} {container.image} {container.id} {container.compose_project or ''}"
        )
        return not self._text or self._text in haystack.lower()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        container = self.sourceModel().index(source_row, 0, source_parent).data(CONTAINER_ROLE)
        # A project row has no container: it shows through its containers.
        return container is not None and self.accepts(container)

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
