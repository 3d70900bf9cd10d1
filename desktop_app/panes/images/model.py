"""ImagesModel: one row per tag, as `docker images` lists them; an untagged (dangling)
image is one row of its own. Fed row-level changes from the engine state, never reset."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from desktop_app.presentation import ago, decimal_size
from engine_bridge import Change, ContainerSummary, ImageSummary

COLUMNS = ("Repository", "Tag", "Image ID", "Digest", "Size", "Created", "Used by")
REPOSITORY, TAG, IMAGE_ID, DIGEST, SIZE, CREATED, USED_BY = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ImageRow:
    """One line of the list: an image under one of its names (or under none)."""

    image: ImageSummary
    repository: str  # "" for a dangling image
    tag: str

    @property
    def reference(self) -> str:
        """What names this row to the engine: repo:tag, or the image ID when untagged."""
        return f"{self.repository}:{self.tag}" if self.repository else self.image.id

    @property
    def other_tags(self) -> tuple[str, ...]:
        return tuple(t for t in self.image.repo_tags if t != self.reference)

    @property
    def digest(self) -> str:
        """The repo digest for this repository, when the image came from or went to one."""
        for entry in self.image.repo_digests:
            repository, _, digest = entry.partition("@")
            if repository == self.repository:
                return digest
        return ""


def rows_of(image: ImageSummary) -> list[ImageRow]:
    if not image.repo_tags:
        return [ImageRow(image, "", "")]
    rows = []
    for name in image.repo_tags:
        repository, _, tag = name.rpartition(":")
        rows.append(ImageRow(image, repository, tag))
    return rows


class ImagesModel(QAbstractTableModel):
    """The image list. Feed it with `apply(changes)` and `set_containers(containers)`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ImageRow] = []
        self._users: dict[str, list[ContainerSummary]] = {}
        self.now = datetime.now(UTC)
        self._italic = QFont()
        self._italic.setItalic(True)

    # --- feeding ----------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.resource != "image":
                continue
            image = change.item
            assert isinstance(image, ImageSummary)
            self._replace(change.key, [] if change.action == "remove" else rows_of(image))

    def set_containers(self, containers: Iterable[ContainerSummary]) -> None:
        """Which containers use which image, for the "Used by" column and for removal."""
        users: dict[str, list[ContainerSummary]] = {}
        for c in containers:
            users.setdefault(c.image_id, []).append(c)
        if users != self._users:
            self._users = users
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, USED_BY), self.index(len(self._rows) - 1, USED_BY)
                )

    def users_of(self, image_id: str) -> list[ContainerSummary]:
        return list(self._users.get(image_id, []))

    def rows(self) -> list[ImageRow]:
        return list(self._rows)

    def images(self) -> Mapping[str, ImageSummary]:
        return {row.image.id: row.image for row in self._rows}

    def _replace(self, image_id: str, fresh: Sequence[ImageRow]) -> None:
        old = [i for i, row in enumerate(self._rows) if row.image.id == image_id]
        contiguous = bool(old) and old == list(range(old[0], old[0] + len(old)))
        if contiguous and len(old) == len(fresh):
            for position, row in zip(old, fresh, strict=True):
                self._rows[position] = row
            self.dataChanged.emit(self.index(old[0], 0), self.index(old[-1], USED_BY))
            return
        for position in reversed(old):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self.endRemoveRows()
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()

    # --- Qt's model interface ---------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(section)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and not row.repository:
            return QColor(95, 99, 104)
        if role == Qt.ItemDataRole.FontRole and not row.repository and column <= TAG:
            return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SIZE, USED_BY):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _text(self, row: ImageRow, column: int) -> str:
        image = row.image
        if column == REPOSITORY:
            return row.repository or "<none>"
        if column == TAG:
            tags = len(image.repo_tags)
            return f"{row.tag}  (+{tags - 1})" if tags > 1 else (row.tag or "<none>")
        if column == IMAGE_ID:
            return image.short_id
        if column == DIGEST:
            digest = row.digest
            return digest.removeprefix("sha256:")[:12] if digest else ""
        if column == SIZE:
            return decimal_size(image.size)
        if column == CREATED:
            return ago(image.created, self.now)
        users = self._users.get(image.id, [])
        running = sum(1 for c in users if c.state == "running")
        if not users:
            return ""
        return f"{len(users)} ({running} running)" if running else str(len(users))

    def _sort_key(self, row: ImageRow, column: int) -> Any:
        if column == SIZE:
            return row.image.size
        if column == CREATED:
            return row.image.created.timestamp() if row.image.created else 0.0
        if column == USED_BY:
            return len(self._users.get(row.image.id, []))
        return self._text(row, column).lower()

    def _tooltip(self, row: ImageRow, column: int) -> str | None:
        if column == TAG and row.other_tags:
            return "The same image is also tagged " + ", ".join(row.other_tags)
        if column == IMAGE_ID:
            return row.image.id
        if column == DIGEST and row.digest:
            return f"{row.repository}@{row.digest}"
        if column == USED_BY:
            users = self._users.get(row.image.id, [])
            return ", ".join(f"{c.name} ({c.state})" for c in users) or None
        if column == REPOSITORY and not row.repository:
            return "A dangling image: no tag points to it any more"
        return None


_HEADER_TIPS = {
    IMAGE_ID: "The hash of the image's configuration: the same image has one ID, whatever its tags",
    DIGEST: "The hash of the image's manifest in a registry; pulling by it always gives "
    "exactly this image",
    SIZE: "Size of all the image's layers; layers shared with other images count once on disk",
    USED_BY: "Containers made from this image (stopped ones too)",
}


class ImageFilter(QSortFilterProxyModel):
    """Filters by text in the repository, tag or ID; hides dangling images unless asked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self.show_dangling = False

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_dangling(self, show: bool) -> None:
        self.beginFilterChange()
        self.show_dangling = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, row: ImageRow) -> bool:
        if not row.repository and not self.show_dangling:
            return False
        if not self._text:
            return True
        haystack = f"{row.repository}:{row.tag} {row.image.id.removeprefix('sha256:')}".lower()
        return self._text in haystack

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        row = model.index(source_row, 0, source_parent).data(ROW_ROLE)
        return isinstance(row, ImageRow) and self.accepts(row)
