"""ContainersModel: containers as a tree, Compose projects as groups, standalone ones on top.

It is fed row-level changes (insert, change, remove) and never resets on an event. Each row
also carries the action running on it ("stopping...") and the last action's failure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.presentation import STATE_ORDER, ago, human_status, ports_text, short_image
from engine_bridge.dto import ContainerSummary
from engine_bridge.state import Change

COLUMNS = ("Name", "Image", "Status", "Ports", "Created")
NAME, IMAGE, STATUS, PORTS, CREATED = range(len(COLUMNS))

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CONTAINER_ROLE = Qt.ItemDataRole.UserRole + 2

_STATE_COLOURS = {
    "running": "#1e8e3e",
    "paused": "#b06000",
    "restarting": "#b06000",
    "exited": "#5f6368",
    "created": "#5f6368",
    "dead": "#c5221f",
}
_ERROR_COLOUR = "#c5221f"

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    """A row: a container, or a Compose project holding its containers."""

    key: str
    container: ContainerSummary | None = None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)

    @property
    def project(self) -> str | None:
        return self.key.removeprefix("project:") if self.container is None else None


class ContainersModel(QAbstractItemModel):
    """The container list. Feed it with `apply(changes)`; row actions with `set_busy`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node("root")
        self._nodes: dict[str, _Node] = {}  # container id or "project:<name>" -> node
        self._busy: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self.now = datetime.now(UTC)

    # --- feeding ----------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.resource != "container":
                continue
            item = change.item
            assert isinstance(item, ContainerSummary)
            if change.action == "remove":
                self._remove(change.key)
            elif change.key in self._nodes:
                self._change(item)
            else:
                self._insert(item)

    def containers(self) -> list[ContainerSummary]:
        return [n.container for n in self._nodes.values() if n.container is not None]

    def container(self, container_id: str) -> ContainerSummary | None:
        node = self._nodes.get(container_id)
        return node.container if node else None

    def set_busy(self, container_id: str, verb: str | None) -> None:
        """Show an action in progress on a row ("stopping"), or clear it with None."""
        if verb:
            self._busy[container_id] = verb
            self._errors.pop(container_id, None)
        else:
            self._busy.pop(container_id, None)
        self._row_changed(container_id)

    def set_error(self, container_id: str, message: str | None) -> None:
        if message:
            self._errors[container_id] = message
        else:
            self._errors.pop(container_id, None)
        self._row_changed(container_id)

    def error(self, container_id: str) -> str | None:
        return self._errors.get(container_id)

    def tick(self, now: datetime | None = None) -> None:
        """Let time pass: statuses like "Up 3 minutes" are worked out again."""
        self.now = now or datetime.now(UTC)
        for node in [self._root, *self._nodes.values()]:
            if node.children:
                parent = self._index_of(node)
                self.dataChanged.emit(
                    self.index(0, STATUS, parent),
                    self.index(len(node.children) - 1, CREATED, parent),
                )

    # --- tree changes -----------------------------------------------------------------

    def _insert(self, container: ContainerSummary) -> None:
        parent = self._root
        project = container.compose_project
        if project:
            parent = self._nodes.get(f"project:{project}") or self._add_child(
                self._root, _Node(f"project:{project}")
            )
        self._add_child(parent, _Node(container.id, container))

    def _add_child(self, parent: _Node, node: _Node) -> _Node:
        row = len(parent.children)
        self.beginInsertRows(self._index_of(parent), row, row)
        node.parent = parent
        parent.children.append(node)
        self._nodes[node.key] = node
        self.endInsertRows()
        return node

    def _change(self, container: ContainerSummary) -> None:
        node = self._nodes[container.id]
        assert node.container is not None
        if node.container.compose_project != container.compose_project:
            self._remove(container.id)
            self._insert(container)
            return
        node.container = container
        self._row_changed(container.id)

    def _remove(self, key: str) -> None:
        node = self._nodes.get(key)
        if node is None or node.parent is None:
            return
        parent = node.parent
        row = parent.children.index(node)
        self.beginRemoveRows(self._index_of(parent), row, row)
        parent.children.pop(row)
        del self._nodes[key]
        self.endRemoveRows()
        self._busy.pop(key, None)
        self._errors.pop(key, None)
        if parent is not self._root and not parent.children:
            self._remove(parent.key)
        elif parent is not self._root:
            self._emit_row(parent)

    def _row_changed(self, key: str) -> None:
        node = self._nodes.get(key)
        if node is None:
            return
        self._emit_row(node)
        if node.parent is not None and node.parent is not self._root:
            self._emit_row(node.parent)

    def _emit_row(self, node: _Node) -> None:
        first = self._index_of(node)
        last = self.index(first.row(), len(COLUMNS) - 1, first.parent())
        self.dataChanged.emit(first, last)

    def _index_of(self, node: _Node) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node)

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    # --- Qt's model interface ---------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        return self._index_of(node.parent) if node.parent is not None else QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if node.container is None:
            return self._group_data(node, index.column(), role)
        return self._container_data(node.container, index.column(), role)

    def _group_data(self, node: _Node, column: int, role: int) -> Any:
        members = [c.container for c in node.children if c.container is not None]
        running = sum(1 for c in members if c.state == "running")
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if column == NAME:
                return node.project
            if column == STATUS:
                text = f"{running} of {len(members)} running"
                return text if role == Qt.ItemDataRole.DisplayRole else (0 if running else 4, text)
            if column == IMAGE and role == Qt.ItemDataRole.DisplayRole:
                return "Compose project"
            if role == SORT_ROLE:
                return node.project or ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return f"Compose project '{node.project}': {len(members)} containers"
        if role == Qt.ItemDataRole.FontRole and column == NAME:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _container_data(self, c: ContainerSummary, column: int, role: int) -> Any:
        busy = self._busy.get(c.id)
        error = self._errors.get(c.id)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return c.name
            if column == IMAGE:
                return short_image(c.image)
            if column == STATUS:
                if busy:
                    return f"{busy.capitalize()}…"
                status = human_status(c, self.now)
                return f"{status} — failed: {error}" if error else status
            if column == PORTS:
                return ports_text(c)
            if column == CREATED:
                return ago(c.created, self.now)
        if role == SORT_ROLE:
            return (
                c.name,
                c.image,
                (STATE_ORDER.get(c.state, 9), c.name),
                ports_text(c),
                c.created.timestamp() if c.created else 0.0,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS:
                colour = _ERROR_COLOUR if error else _STATE_COLOURS.get(c.state)
                return QBrush(QColor(colour)) if colour else None
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return f"The last action failed: {error}"
            if column == IMAGE:
                return c.image
            if column == NAME:
                return f"{c.name}\nID {c.short_id}\n{c.command}"
            if column == PORTS and c.ports:
                return "Click to open a published TCP port in the browser"
            return None
        if role == CONTAINER_ROLE:
            return c
        return None
