"""A volume's files: a tree of folders and files with sizes, modes and times, read through
the engine (no helper image, nothing started); download, and upload into a folder."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.presentation import decimal_size
from desktop_app.tasks import LatestTask
from engine_bridge import EngineError, VolumeFile, VolumeTree, short_name, volume_tree

if TYPE_CHECKING:
    from engine_bridge import EngineBridge

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, SIZE, MODE, MODIFIED = range(4)


def _mode(entry: VolumeFile) -> str:
    return stat.filemode(
        entry.mode | {"folder": stat.S_IFDIR, "link": stat.S_IFLNK}.get(entry.kind, stat.S_IFREG)
    )


class VolumeFiles(QDialog):
    """Browse one volume. Signals: `download_requested(path)`, `upload_requested(folder,
    folders)` (folders: pick folders rather than files), for the pane to carry out."""

    download_requested = Signal(str)
    upload_requested = Signal(str, bool)

    def __init__(self, name: str, running_users: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("volumeFiles")
        self.setWindowTitle(f"Files of {short_name(name)}")
        self.resize(760, 520)
        self.name = name
        self.tree_data: VolumeTree | None = None
        self._load = LatestTask(f"volume-files:{name}")
        self.heading = QLabel()
        self.heading.setObjectName("volumeFilesHeading")
        self.heading.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        theme.mark(self.warning, "warn")
        if running_users:
            self.warning.setText(
                text("volumes.copy", "running") + " In use by: " + ", ".join(running_users) + "."
            )
        self.warning.setVisible(bool(running_users))
        self.tree = QTreeWidget()
        self.tree.setObjectName("volumeFilesTree")
        self.tree.setHeaderLabels(["Name", "Size", "Mode", "Modified"])
        self.tree.setColumnWidth(NAME, 330)
        self.tree.setColumnWidth(SIZE, 90)
        self.tree.setColumnWidth(MODE, 100)
        self.tree.setSortingEnabled(False)
        self.tree.itemExpanded.connect(self._fill)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.download = QPushButton("Download…")
        self.download.setObjectName("volumeDownload")
        self.download.setToolTip("Save the file, or the folder as a .tar")
        self.download.clicked.connect(self._on_download)
        self.upload_files = QPushButton("Upload files…")
        self.upload_files.clicked.connect(
            lambda: self.upload_requested.emit(self.target_folder(), False)
        )
        self.upload_folder = QPushButton("Upload a folder…")
        self.upload_folder.clicked.connect(
            lambda: self.upload_requested.emit(self.target_folder(), True)
        )
        self.refresh = QPushButton("Refresh")
        self.refresh.clicked.connect(self.reload)
        self.cancel = QPushButton("Stop reading")
        self.cancel.clicked.connect(self._on_cancel)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (
            self.download,
            self.upload_files,
            self.upload_folder,
            self.refresh,
            self.cancel,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.warning)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.bridge: EngineBridge | None = None
        self._update_buttons()

    # --- reading ------------------------------------------------------------------------

    def read(self, bridge: EngineBridge) -> None:
        self.bridge = bridge
        self.reload()

    def reload(self) -> None:
        if self.bridge is not None:
            self._load.start(self._read(self.bridge))

    async def _read(self, bridge: EngineBridge) -> None:
        self.heading.setText(f"Reading the files of <b>{short_name(self.name)}</b>…")
        self.cancel.setVisible(True)
        self._update_buttons()
        try:
            tree = await volume_tree(bridge, self.name)
        except EngineError as exc:
            self.heading.setText(
                f"<span style='color:{theme.colour('bad')}'>{exc.in_words()}</span>"
            )
            return
        finally:
            self.cancel.setVisible(False)
        self.show_tree(tree)

    def _on_cancel(self) -> None:
        self._load.cancel()
        self.cancel.setVisible(False)
        self.heading.setText("Stopped reading. Refresh to read again.")

    def show_tree(self, tree: VolumeTree) -> None:
        self.tree_data = tree
        self.tree.clear()
        self.heading.setText(
            f"<b>{short_name(self.name)}</b>: {tree.files} files, {decimal_size(tree.size)}"
        )
        self._add_children(self.tree.invisibleRootItem(), "")
        self._update_buttons()

    def _add_children(self, parent: QTreeWidgetItem, folder: str) -> None:
        assert self.tree_data is not None
        for entry in self.tree_data.children(folder):
            item = QTreeWidgetItem(
                [
                    entry.name
                    + (
                        f" → {entry.link_target}"
                        if entry.link_target and entry.kind == "link"
                        else ""
                    ),
                    decimal_size(self.tree_data.total(entry.path)),
                    _mode(entry),
                    entry.modified.astimezone().strftime("%Y-%m-%d %H:%M")
                    if entry.modified
                    else "",
                ]
            )
            item.setData(NAME, PATH_ROLE, entry.path)
            item.setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if entry.kind == "folder":
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            parent.addChild(item)

    def _fill(self, item: QTreeWidgetItem) -> None:
        if item.childCount() == 0:
            self._add_children(item, str(item.data(NAME, PATH_ROLE)))

    # --- acting -------------------------------------------------------------------------

    def selected_path(self) -> str | None:
        items = self.tree.selectedItems()
        return str(items[0].data(NAME, PATH_ROLE)) if items else None

    def select_path(self, path: str) -> bool:
        """Select an entry by its path in the volume, opening the folders above it."""
        parts = path.split("/")
        parent = self.tree.invisibleRootItem()
        for depth in range(len(parts)):
            wanted = "/".join(parts[: depth + 1])
            children = [parent.child(i) for i in range(parent.childCount())]
            found = next(
                (c for c in children if c is not None and c.data(NAME, PATH_ROLE) == wanted), None
            )
            if found is None:
                return False
            if depth < len(parts) - 1:
                found.setExpanded(True)
            parent = found
        self.tree.setCurrentItem(parent)
        return True

    def target_folder(self) -> str:
        """Where an upload goes: the selected folder, the folder of the selected file, or
        the volume's root."""
        path = self.selected_path()
        if path is None or self.tree_data is None:
            return ""
        entry = self.tree_data.entries.get(path)
        return (
            path
            if entry is not None and entry.kind == "folder"
            else (entry.parent or "" if entry else "")
        )

    def _on_download(self) -> None:
        path = self.selected_path()
        if path:
            self.download_requested.emit(path)

    def _update_buttons(self) -> None:
        ready = self.tree_data is not None
        self.download.setEnabled(ready and self.selected_path() is not None)
        self.upload_files.setEnabled(ready)
        self.upload_folder.setEnabled(ready)

    def closeEvent(self, event: object) -> None:
        self._load.cancel()
        super().closeEvent(event)  # type: ignore[arg-type]
