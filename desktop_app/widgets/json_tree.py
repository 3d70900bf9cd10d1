"""JsonTree: a JSON document as a tree with search, copy of a value or of its path, and the
raw text beside it."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2


def child_path(parent: str, key: str | int) -> str:
    """A path as `docker inspect --format` and jq write it: `.State.Health`, `.Mounts[0]`."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    simple = key.replace("_", "").isalnum()
    return f"{parent}.{key}" if simple else f'{parent}["{key}"]'


class JsonTree(QWidget):
    """Attributes: `tree`, `raw`, `search`, `match_count`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search keys and values")
        self.search.setObjectName("jsonSearch")
        self.search.setAccessibleName("Search the document")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.match_count = QLabel()
        self.match_count.setObjectName("jsonMatches")
        self.stack = QStackedWidget()
        self.raw_toggle = QCheckBox("Raw JSON")
        self.raw_toggle.toggled.connect(lambda raw: self.stack.setCurrentIndex(1 if raw else 0))
        self.tree = QTreeWidget()
        self.tree.setObjectName("jsonTree")
        self.tree.setAccessibleName("Document")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 260)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_menu)
        self.raw = QPlainTextEdit()
        self.raw.setObjectName("jsonRaw")
        self.raw.setReadOnly(True)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.raw)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.match_count)
        top.addWidget(self.raw_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

    def set_document(self, document: Any) -> None:
        self.tree.clear()
        self._add(self.tree.invisibleRootItem(), "", document)
        self.tree.expandToDepth(0)
        self.raw.setPlainText(json.dumps(document, indent=2, sort_keys=False))
        self._on_search(self.search.text())

    def _add(self, parent: QTreeWidgetItem, path: str, value: Any) -> None:
        entries: list[tuple[str | int, Any]]
        if isinstance(value, dict):
            entries = list(value.items())
        elif isinstance(value, list):
            entries = list(enumerate(value))
        else:
            return
        for key, child in entries:
            child_at = child_path(path, key)
            item = QTreeWidgetItem(
                [f"[{key}]" if isinstance(key, int) else str(key), _short(child)]
            )
            item.setData(0, PATH_ROLE, child_at)
            item.setData(
                0,
                VALUE_ROLE,
                json.dumps(child) if isinstance(child, dict | list) else _plain(child),
            )
            item.setToolTip(1, _plain(child) if not isinstance(child, dict | list) else "")
            parent.addChild(item)
            self._add(item, child_at, child)

    def _on_search(self, needle: str) -> None:
        needle = needle.strip().lower()
        matches = 0
        iterator = QTreeWidgetItemIterator(self.tree)
        items = []
        while iterator.value() is not None:
            items.append(iterator.value())
            iterator += 1
        for item in items:
            hit = bool(needle) and (
                needle in item.text(0).lower() or needle in item.text(1).lower()
            )
            matches += hit
            for column in (0, 1):
                item.setBackground(column, QBrush(theme.qcolour("match")) if hit else QBrush())
            item.setHidden(bool(needle))
            item.setData(1, Qt.ItemDataRole.UserRole, hit)
        if needle:
            for item in items:
                if item.data(1, Qt.ItemDataRole.UserRole):
                    node: QTreeWidgetItem | None = item
                    while node is not None:
                        node.setHidden(False)
                        node.setExpanded(True)
                        node = node.parent()
        self.match_count.setText(f"{matches} found" if needle else "")

    def _on_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        menu = QMenu(self)
        clipboard = QGuiApplication.clipboard()
        menu.addAction("Copy value", lambda: clipboard.setText(str(item.data(0, VALUE_ROLE))))
        menu.addAction("Copy path", lambda: clipboard.setText(str(item.data(0, PATH_ROLE))))
        menu.popup(self.tree.viewport().mapToGlobal(point))
        self.menu = menu


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    text = _plain(value)
    return text if len(text) < 200 else text[:197] + "…"
