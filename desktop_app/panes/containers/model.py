"""ContainersModel: containers as a tree, Compose projects as groups, standalone ones on top.

It is fed row-level changes (insert, change, remove) and never resets on an event. Each row
also carries the action running on it ("stopping...") and the last action's failure.

The model keeps its rows in the order the user chose (`sort()`), so that the view's filter
(filter.py) never sorts: a sort there asks this Python model for two values per comparison,
and thousands of rows cost hundreds of milliseconds each time a batch of rows changed. Here
a sort is Python's own over keys worked out once per change of a row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.containers.rows import STATE_ORDER, human_status, ports_text, short_image
from desktop_app.presentation import ago, binary_size, percent
from engine_bridge import Change, ContainerSummary
from engine_bridge.specs.restart_policy import render_restart_policy

if TYPE_CHECKING:
    from collections.abc import Callable

    from engine_bridge import StatsHistory

COLUMNS = ("Name", "Image", "Status", "CPU", "Memory", "Restart", "Ports", "Created")
NAME, IMAGE, STATUS, CPU, MEMORY, RESTART, PORTS, CREATED = range(len(COLUMNS))

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CONTAINER_ROLE = Qt.ItemDataRole.UserRole + 2
#: The recent values a stats cell draws as a sparkline: (values, the top of the scale).
SPARKLINE_ROLE = Qt.ItemDataRole.UserRole + 3
SPARKLINE_POINTS = 60
#: What the filter looks in: "R" (running) or "S", a tab, then search_text() (filter.py).
FILTER_ROLE = Qt.ItemDataRole.UserRole + 4
_STATS_FIELD = {CPU: "cpu_percent", MEMORY: "memory_bytes"}

_STATE_COLOURS = {  # theme roles
    "running": "running",
    "paused": "paused",
    "restarting": "paused",
    "exited": "stopped",
    "created": "stopped",
    "dead": "dead",
}
_ERROR_COLOUR = "bad"
_LINK_COLOUR = "link"

AnyIndex = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()  # the default argument of Qt's model calls: never changed
_COLUMN_COUNT = len(COLUMNS)


#: How many rows going or coming at once under one parent make one change of layout.
MANY = 20


def search_text(c: ContainerSummary) -> str:
    """What the filter box looks in, lower case: name, image, ID and Compose project."""
    return f"{c.name} {c.image} {c.id} {c.compose_project or ''}".lower()


@dataclass(eq=False)
class _Node:
    """A row: a container, or a Compose project holding its containers."""

    key: str
    container: ContainerSummary | None = None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    #: Where the row is among its parent's children.
    row: int = 0
    #: What the row shows, sorts by and is found by, until it changes (ContainersModel._cells).
    cells: tuple[tuple[str, ...], tuple[Any, ...], str] | None = None

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
        self._dropped: list[_Node] = []  # see _remove_many
        #: The column the rows are sorted by, and which way (see sort()).
        self.sort_column = NAME
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.now = datetime.now(UTC)
        self._bold_font: QFont | None = None
        #: Where the CPU and Memory columns read a running container's readings from.
        self.stats_of: Callable[[str], StatsHistory | None] = lambda _id: None

    # --- feeding ----------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> None:
        """Apply row-level changes; new rows under one parent go in as one block."""
        new: list[ContainerSummary] = []
        gone: list[str] = []
        changed: list[_Node] = []
        for change in changes:
            if change.resource != "container":
                continue
            item = change.item
            assert isinstance(item, ContainerSummary)
            if change.action == "remove":
                gone.append(change.key)
            elif change.key in self._nodes:
                node = self._change(item)
                if node is not None:
                    changed.append(node)
            else:
                new.append(item)
        # The projects that lose containers: their rows' words and sort keys change.
        losing = {p.key: p for key in gone if (n := self._nodes.get(key)) is not None
                  and (p := n.parent) is not None and p is not self._root}  # fmt: skip
        if len(gone) >= MANY:
            self._remove_many(gone)
        else:
            for key in gone:
                self._remove(key)
        self._insert(new)
        changed += losing.values()
        # Only the rows still listed (a batch may change a row and then remove it).
        self._keep_in_order([n for n in changed if self._nodes.get(n.key) is n])

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
        """Let time pass: statuses like "Up 3 minutes" are worked out again when next
        drawn (the view repaints itself). Nothing is announced: the order and the filter
        do not depend on the time words."""
        self.now = now or datetime.now(UTC)
        for node in self._nodes.values():
            node.cells = None

    def tick_young(self, now: datetime | None = None) -> bool:
        """Let a second pass for the rows whose words change by the second ("Up 5 seconds",
        "12 seconds ago"): those made or started within the last two minutes. Whether any
        row is that young (the view then repaints itself)."""
        self.now = now or datetime.now(UTC)
        young = False
        for node in self._nodes.values():
            c = node.container
            if c is not None and any(m is not None and (self.now - m).total_seconds() < 120
                                     for m in (c.created, c.started_at)):  # fmt: skip
                node.cells = None
                young = True
        return young

    def stats_changed(self) -> None:
        """New readings arrived: when the rows are sorted by CPU or memory, those whose
        place changed move (the view draws the new readings itself)."""
        if self.sort_column in _STATS_FIELD:
            self._reorder([self._root, *self._groups()])

    # --- order ------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by `column` (a Compose project's containers among themselves)."""
        self.sort_column, self.sort_order = column, order
        self._reorder([self._root, *self._groups()])

    def _groups(self) -> list[_Node]:
        return [n for n in self._nodes.values() if n.container is None]

    def _key(self, node: _Node) -> tuple[Any, str]:
        column = self.sort_column
        cells = self._cells(node)
        if column in _STATS_FIELD:
            return self._stats_data(node, column, SORT_ROLE), cells[1][NAME]
        return cells[1][column], cells[1][NAME]

    def _in_order(self, nodes: Sequence[_Node]) -> list[_Node]:
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        return sorted(nodes, key=self._key, reverse=descending)

    def _goes_before(self, key: tuple[Any, str], other: tuple[Any, str]) -> bool:
        """Whether a row with sort key `key` is shown above one with `other`."""
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            return other < key
        return key < other

    def _place_for(self, parent: _Node, node: _Node) -> int:
        """The row `node` goes to among `parent`'s children, which are in order."""
        key, children = self._key(node), parent.children
        low, high = 0, len(children)
        while low < high:
            middle = (low + high) // 2
            if self._goes_before(key, self._key(children[middle])):
                high = middle
            else:
                low = middle + 1
        return low

    def _misplaced(self, node: _Node) -> bool:
        parent = node.parent
        if parent is None:
            return False
        siblings, row, key = parent.children, node.row, self._key(node)
        above = siblings[row - 1] if row > 0 else None
        below = siblings[row + 1] if row + 1 < len(siblings) else None
        return (above is not None and self._goes_before(key, self._key(above))) or (
            below is not None and self._goes_before(self._key(below), key))  # fmt: skip

    def _keep_in_order(self, changed: list[_Node]) -> None:
        """Rows whose sort key changed (and their projects' rows) go to their new places,
        in one change of layout for all."""
        nodes = {id(n): n for n in changed}
        for node in changed:
            if node.parent is not None and node.parent is not self._root:
                nodes[id(node.parent)] = node.parent
        parents = {id(n.parent): n.parent for n in nodes.values()
                   if n.parent is not None and self._misplaced(n)}  # fmt: skip
        if parents:
            self._reorder(list(parents.values()))

    def _reorder(self, parents: list[_Node]) -> None:
        """Put the children of `parents` in order, as one change of layout."""
        moves = []
        for parent in parents:
            ordered = self._in_order(parent.children)
            if any(a is not b for a, b in zip(ordered, parent.children, strict=True)):
                moves.append((parent, ordered))
        if not moves:
            return
        self.layoutAboutToBeChanged.emit()
        for parent, ordered in moves:
            parent.children = ordered
            _number(ordered)
        self._move_persistent_indexes(set())
        self.layoutChanged.emit()

    def _move_persistent_indexes(self, gone: set[str]) -> None:
        """Point the view's kept indexes at their rows' new places (none for `gone`)."""
        before = self.persistentIndexList()
        after = []
        for index in before:
            node = index.internalPointer()
            if not isinstance(node, _Node) or node.key in gone or node.key not in self._nodes:
                after.append(QModelIndex())
            else:
                after.append(self.createIndex(node.row, index.column(), node))
        self.changePersistentIndexList(before, after)

    # --- tree changes -----------------------------------------------------------------

    def _insert(self, containers: list[ContainerSummary]) -> None:
        by_parent: dict[str, list[_Node]] = {}
        for c in containers:
            key = f"project:{c.compose_project}" if c.compose_project else "root"
            by_parent.setdefault(key, []).append(_Node(c.id, c))
        groups = [_Node(k) for k in by_parent if k != "root" and k not in self._nodes]
        # A new project's row is placed by its name alone until its containers are in it.
        self._add_children(self._root, [*by_parent.pop("root", []), *groups])
        for key, nodes in by_parent.items():
            self._add_children(self._nodes[key], nodes)
        # Projects whose rows' sort keys changed with their new containers move.
        self._keep_in_order([self._nodes[key] for key in by_parent])

    def _add_children(self, parent: _Node, nodes: list[_Node]) -> None:
        """Put `nodes` in their places among `parent`'s children: into an empty group or
        one by one as single inserts, or, many into a filled group, as one change of
        layout."""
        if not nodes:
            return
        for node in nodes:
            node.parent = parent
        where = self._index_of(parent)
        if not parent.children:
            ordered = self._in_order(nodes)
            _number(ordered)
            self.beginInsertRows(where, 0, len(ordered) - 1)
            parent.children = ordered
            self._nodes.update((node.key, node) for node in ordered)
            self.endInsertRows()
        elif len(nodes) >= MANY:
            self.layoutAboutToBeChanged.emit()
            parent.children = self._in_order([*parent.children, *nodes])
            _number(parent.children)
            self._nodes.update((node.key, node) for node in nodes)
            self._move_persistent_indexes(set())
            self.layoutChanged.emit()
        else:
            for node in nodes:
                row = self._place_for(parent, node)
                self.beginInsertRows(where, row, row)
                parent.children.insert(row, node)
                _number(parent.children, row)
                self._nodes[node.key] = node
                self.endInsertRows()
        if parent is not self._root:
            self._emit_row(parent)  # "N of M running" changed

    def _change(self, container: ContainerSummary) -> _Node | None:
        """The container's row shows `container`; returns the row (None if it moved to
        another group, where it is in order already)."""
        node = self._nodes[container.id]
        assert node.container is not None
        if node.container.compose_project != container.compose_project:
            self._remove(container.id)
            self._insert([container])
            return None
        node.container = container
        self._row_changed(container.id)
        return node

    def _remove(self, key: str) -> None:
        node = self._nodes.get(key)
        if node is None or node.parent is None:
            return
        parent = node.parent
        row = node.row
        self.beginRemoveRows(self._index_of(parent), row, row)
        parent.children.pop(row)
        _number(parent.children, row)
        del self._nodes[key]
        self.endRemoveRows()
        self._busy.pop(key, None)
        self._errors.pop(key, None)
        if parent is not self._root and not parent.children:
            self._remove(parent.key)
        elif parent is not self._root:
            self._emit_row(parent)

    def _remove_many(self, keys: list[str]) -> None:
        """Remove many rows at once (a storm: `docker rm -f` of hundreds) as one change of
        layout: removing them one by one costs the sorted, filtered view a pass over every
        row each, seconds for a thousand rows out of thousands."""
        gone = {key for key in keys if key in self._nodes}
        if not gone:
            return
        self.layoutAboutToBeChanged.emit()
        touched: set[int] = set()
        # Indexes hold the rows' nodes without a reference of their own: the removed ones
        # must outlive every index made of them, so they are kept until the next removal.
        self._dropped = [self._nodes[key] for key in gone]
        for key in gone:
            node = self._nodes.pop(key)
            self._busy.pop(key, None)
            self._errors.pop(key, None)
            if node.parent is not None:
                touched.add(id(node.parent))
        groups = [n for n in [self._root, *self._nodes.values()] if id(n) in touched]
        for group in groups:
            group.children = [c for c in group.children if c.key not in gone]
            _number(group.children)
        empty = [g for g in groups if g is not self._root and not g.children]
        for group in empty:
            self._dropped.append(self._nodes.pop(group.key))
            gone.add(group.key)
        if empty:
            self._root.children = [c for c in self._root.children if c.key not in gone]
            _number(self._root.children)
        self._move_persistent_indexes(gone)
        self.layoutChanged.emit()
        for group in groups:
            if group is not self._root and group.children:
                self._emit_row(group)  # "N of M running" changed

    def _row_changed(self, key: str) -> None:
        node = self._nodes.get(key)
        if node is None:
            return
        self._emit_row(node)
        if node.parent is not None and node.parent is not self._root:
            self._emit_row(node.parent)

    def _emit_row(self, node: _Node) -> None:
        node.cells = None
        first = self._index_of(node)
        last = self.index(first.row(), len(COLUMNS) - 1, first.parent())
        self.dataChanged.emit(first, last)

    def _index_of(self, node: _Node) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    # --- Qt's model interface ---------------------------------------------------------

    # index() and parent() run hundreds of thousands of times while a filter or a view walks
    # thousands of rows: each is one attribute walk and one createIndex.

    def index(self, row: int, column: int, parent: AnyIndex = _NO_INDEX) -> QModelIndex:
        children = (parent.internalPointer() if parent.isValid() else self._root).children
        if 0 <= row < len(children) and 0 <= column < _COLUMN_COUNT:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = _NO_INDEX) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: AnyIndex = _NO_INDEX) -> int:
        if not parent.isValid():
            return len(self._root.children)
        return 0 if parent.column() else len(parent.internalPointer().children)

    def columnCount(self, parent: AnyIndex = _NO_INDEX) -> int:
        return _COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each paint: keep it a lookup.
        if not index.isValid():
            return None
        node = index.internalPointer()
        column = index.column()
        if column in _STATS_FIELD:
            return self._stats_data(node, column, role)
        if role == _DISPLAY:
            return self._cells(node)[0][column]
        if role == SORT_ROLE:
            return self._cells(node)[1][column]
        if role == FILTER_ROLE:
            return self._cells(node)[2]
        if role == CONTAINER_ROLE:
            return node.container
        if role == _FOREGROUND:
            if column == STATUS:
                return self._status_brush(node)
            if column == PORTS and node.container is not None and node.container.ports:
                return _brush(_LINK_COLOUR) if _has_link(node.container) else None
            return None
        if role == _TOOLTIP:
            return self._tooltip(node, column)
        if role == _FONT:
            return self._bold() if node.container is None and column == NAME else None
        if role == _DECORATION and column == NAME and node.container is not None:
            return _dot(_STATE_COLOURS.get(node.container.state, "stopped"))
        return None

    def _cells(self, node: _Node) -> tuple[tuple[str, ...], tuple[Any, ...], str]:
        """What a row shows, sorts by and is found by, worked out once per change of the
        row. A project's row is found through its containers (filter.py)."""
        if node.cells is not None:
            return node.cells
        c = node.container
        if c is None:
            members = [n.container for n in node.children if n.container is not None]
            running = sum(1 for m in members if m.state == "running")
            status = f"{running} of {len(members)} running"
            project = node.project or ""
            node.cells = (
                (project, "Compose project", status, "", "", "", "", ""),
                (project, project, (0 if running else 4, project), 0.0, 0.0, "", "", 0.0),
                "",
            )
            return node.cells
        busy, error = self._busy.get(c.id), self._errors.get(c.id)
        status = human_status(c, self.now)
        if busy:
            status = f"{busy.capitalize()}…"
        elif error:
            status = f"{status} — failed: {error}"
        ports = ports_text(c)
        restart = render_restart_policy(c.restart_policy) if c.restart_policy else ""
        created = ago(c.created, self.now)
        node.cells = (
            (c.name, short_image(c.image), status, "", "", restart, ports, created),
            (
                c.name,
                c.image,
                (STATE_ORDER.get(c.state, 9), c.name),
                0.0,
                0.0,
                restart,
                ports,
                c.created.timestamp() if c.created else 0.0,
            ),
            f"{'R' if c.is_running else 'S'}\t{search_text(c)}",
        )
        return node.cells

    def _stats_data(self, node: _Node, column: int, role: int) -> Any:
        # Painting a cell asks for a dozen roles; only these five have answers here.
        if role not in _STATS_ROLES:
            return None
        c = node.container
        if c is None:
            return self._project_stats(node, column, role)
        history = self.stats_of(c.id) if c.state == "running" else None
        latest = history.latest if history is not None else None
        if role == _DISPLAY:
            if latest is None:
                return "" if c.state != "running" else "…"
            if column == CPU:
                return percent(latest.cpu_percent)
            return binary_size(latest.memory_bytes)
        if role == SORT_ROLE:
            if latest is None:
                return -1.0
            return latest.cpu_percent if column == CPU else float(latest.memory_bytes)
        if role == SPARKLINE_ROLE and history is not None and len(history) > 1:
            values = history.recent(_STATS_FIELD[column], SPARKLINE_POINTS)
            if column == CPU:
                return values, max(5.0, *values)
            # Memory rarely moves much: headroom keeps a steady line from looking pegged.
            return values, max(values) * 1.25 if values else 1.0
        if role == _TOOLTIP:
            if latest is None:
                return "Waiting for the first reading" if c.state == "running" else None
            if column == CPU:
                return text("stats.cpu")
            limit = binary_size(latest.memory_limit)
            return f"{binary_size(latest.memory_bytes)} of {limit} ({latest.memory_percent:.1f}%)"
        if role == _ALIGNMENT:
            return _RIGHT
        return None

    def _project_stats(self, node: _Node, column: int, role: int) -> Any:
        """A Compose project's row adds up its running containers."""
        if role not in (_DISPLAY, SORT_ROLE, _ALIGNMENT):
            return None
        if role == _ALIGNMENT:
            return _RIGHT
        total, seen = 0.0, False
        for child in node.children:
            c = child.container
            history = self.stats_of(c.id) if c is not None and c.state == "running" else None
            if history is not None and history.latest is not None:
                seen = True
                latest = history.latest
                total += latest.cpu_percent if column == CPU else latest.memory_bytes
        if role == SORT_ROLE:
            return total if seen else -1.0
        if not seen:
            return ""
        return percent(total) if column == CPU else binary_size(total)

    def _status_brush(self, node: _Node) -> QBrush | None:
        c = node.container
        if c is None:
            return None
        if c.id in self._errors:
            return _brush(_ERROR_COLOUR)
        colour = _STATE_COLOURS.get(c.state)
        return _brush(colour) if colour else None

    def _tooltip(self, node: _Node, column: int) -> str | None:
        c = node.container
        if c is None:
            count = len(node.children)
            return (
                f"Compose project '{node.project}': {count} containers" if column == NAME else None
            )
        error = self._errors.get(c.id)
        if error:
            return f"The last action failed: {error}"
        if column == IMAGE:
            return c.image
        if column == NAME:
            return f"{c.name}\nID {c.short_id}\n{c.command}"
        if column == PORTS and c.ports:
            return "Click to open a published TCP port in the browser"
        if column == RESTART:
            return "What the engine does when the container stops; change it from the menu"
        return None

    def _bold(self) -> QFont:
        if self._bold_font is None:
            self._bold_font = QFont()
            self._bold_font.setBold(True)
        return self._bold_font


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_STATS_ROLES = frozenset({_DISPLAY, int(SORT_ROLE), int(SPARKLINE_ROLE), _TOOLTIP, _ALIGNMENT})


def _has_link(c: ContainerSummary) -> bool:
    return any(p.published and p.protocol == "tcp" for p in c.ports)


def _brush(role: str) -> QBrush:
    return _brush_of(theme.colour(role))  # the theme's colour now: it may have switched


@functools.cache
def _brush_of(colour: str) -> QBrush:
    # From numbers: parsing a colour name makes Qt load its table of names first.
    return QBrush(_qcolour(colour))


def _qcolour(colour: str) -> QColor:
    return QColor(int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _dot(role: str) -> QIcon:
    return _dot_of(theme.colour(role))


@functools.cache
def _dot_of(colour: str) -> QIcon:
    """A status dot: a filled circle in `colour`, the way the lists of desktop apps show a
    state at a glance."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_qcolour(colour))
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


def _number(nodes: list[_Node], start: int = 0) -> None:
    """Tell each node of a parent's children (from `start`) its row."""
    for row in range(start, len(nodes)):
        nodes[row].row = row
