"""Dockyard's icons: line drawings in resources/icons, drawn in a colour of the theme, and
drawn again when the theme switches.

`icon(name)` makes one; `put(target, name)` sets it on an action or a button and keeps it in
the theme's colours; `for_action(label)` names the icon of a toolbar verb."""

from __future__ import annotations

import functools
import weakref

import shiboken6
from PySide6.QtCore import QObject, QRect, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractButton

from desktop_app import theme
from desktop_app.learning import RESOURCES

FOLDER = RESOURCES / "icons"

#: The icon of each toolbar verb, by the words on its button.
_VERBS = {
    "Run…": "run", "Start": "play", "Stop": "stop", "Restart": "restart", "Pause": "pause",
    "Unpause": "play", "Kill": "kill", "Remove": "trash", "Pull…": "download",
    "Push": "upload", "Tag…": "tag", "Save…": "export", "Load…": "import",
    "Registries…": "key", "Prune…": "sweep", "Create…": "plus", "Files…": "folder",
    "Export…": "export", "Import…": "import", "Clone…": "copy", "Sizes": "gauge",
    "New terminal…": "terminals", "Terminal": "terminals", "Logs": "logs",
    "Build…": "builds", "Build again": "restart", "Remove from history": "trash",
    "Builders and cache…": "gauge", "Connect…": "attach", "Disconnect…": "stop",
    "Address pools…": "networks", "Up from file…": "compose", "Apply file changes": "refresh",
    "Scale…": "copy", "Down…": "trash",
}  # fmt: skip


def for_action(label: str) -> str | None:
    """The icon for a toolbar verb, None for a verb without one."""
    return _VERBS.get(label)


class _LineDrawing(QIconEngine):
    """An icon drawn from its SVG in one colour the first time it is painted, at the size
    it is painted at (start-up does not pay for icons before they are seen)."""

    def __init__(self, name: str, colour: str) -> None:
        super().__init__()
        self.name, self.colour = name, colour
        self._pixmaps: dict[tuple[int, int], QPixmap] = {}

    def _drawn(self, size: QSize) -> QPixmap:
        key = (size.width(), size.height())
        if key not in self._pixmaps:
            svg = (FOLDER / f"{self.name}.svg").read_text(encoding="utf-8")
            # Qt's own SVG image reader draws it at the size the file states.
            sized = svg.replace("currentColor", self.colour).replace(
                "<svg ", f'<svg width="{key[0]}" height="{key[1]}" ', 1
            )
            pixmap = QPixmap()
            pixmap.loadFromData(sized.encode(), "SVG")
            self._pixmaps[key] = pixmap
        return self._pixmaps[key]

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        drawn = self._drawn(size)
        if mode is QIcon.Mode.Disabled:
            faded = QPixmap(drawn.size())
            faded.fill(Qt.GlobalColor.transparent)
            painter = QPainter(faded)
            painter.setOpacity(0.4)
            painter.drawPixmap(0, 0, drawn)
            painter.end()
            return faded
        return drawn

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size

    def clone(self) -> QIconEngine:
        return _LineDrawing(self.name, self.colour)


@functools.cache
def _drawn(name: str, colour: str) -> QIcon:
    return QIcon(_LineDrawing(name, colour))


def icon(name: str, role: str = "strong") -> QIcon:
    """Icon `name` in the colour of theme role `role`, as the theme is now."""
    return _drawn(name, theme.colour(role))


def app_icon() -> QIcon:
    """Dockyard's own icon (its colours are its own, in either theme)."""
    return QIcon(str(FOLDER / "dockyard.svg"))


_kept: list[tuple[weakref.ref[QObject], str, str]] = []
_inks: dict[str, str] = {}  # role -> the colour the kept icons were drawn in


def put(target: QAction | QAbstractButton, name: str, role: str = "strong") -> None:
    """Give `target` icon `name`, now and after every theme switch."""
    target.setIcon(icon(name, role))
    if not _kept:
        theme.changes().changed.connect(_redraw)
    _inks.setdefault(role, theme.colour(role))
    _kept.append((weakref.ref(target), name, role))


def _redraw() -> None:
    alive = [(t, n, r) for t, n, r in _kept if (o := t()) is not None and shiboken6.isValid(o)]
    _kept[:] = alive
    changed = {role for role, ink in _inks.items() if theme.colour(role) != ink}
    for role in changed:
        _inks[role] = theme.colour(role)
    for target, name, role in alive:
        if role in changed:  # the same colours again: nothing to draw anew
            target().setIcon(icon(name, role))  # type: ignore[union-attr]
