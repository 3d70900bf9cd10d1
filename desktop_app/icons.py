"""Dockyard's icons: line drawings in resources/icons, drawn in a colour of the theme, and
drawn again when the theme switches.

`icon(name)` makes one; `put(target, name)` sets it on an action or a button and keeps it in
the theme's colours; `for_action(label)` names the icon of a toolbar verb."""

from __future__ import annotations

import functools
import weakref

import shiboken6
from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton

from desktop_app import theme
from desktop_app.learning import RESOURCES

FOLDER = RESOURCES / "icons"
_SIZES = (16, 20, 24, 32, 48)

#: The icon of each toolbar verb, by the words on its button.
_VERBS = {
    "Run…": "run", "Start": "play", "Stop": "stop", "Restart": "restart", "Pause": "pause",
    "Unpause": "play", "Kill": "kill", "Remove": "trash", "Pull…": "download",
    "Push": "upload", "Tag…": "tag", "Save…": "export", "Load…": "import",
    "Registries…": "key", "Prune…": "sweep", "Create…": "plus", "Files…": "folder",
    "Export…": "export", "Import…": "import", "Clone…": "copy", "Sizes": "gauge",
    "New terminal…": "terminals", "Terminal": "terminals", "Logs": "logs",
}  # fmt: skip


def for_action(label: str) -> str | None:
    """The icon for a toolbar verb, None for a verb without one."""
    return _VERBS.get(label)


@functools.cache
def _drawn(name: str, colour: str) -> QIcon:
    svg = (FOLDER / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    made = QIcon()
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        made.addPixmap(pixmap)
    return made


def icon(name: str, role: str = "strong") -> QIcon:
    """Icon `name` in the colour of theme role `role`, as the theme is now."""
    return _drawn(name, theme.colour(role))


def app_icon() -> QIcon:
    """Dockyard's own icon (its colours are its own, in either theme)."""
    return QIcon(str(FOLDER / "dockyard.svg"))


_kept: list[tuple[weakref.ref[QObject], str, str]] = []


def put(target: QAction | QAbstractButton, name: str, role: str = "strong") -> None:
    """Give `target` icon `name`, now and after every theme switch."""
    target.setIcon(icon(name, role))
    if not _kept:
        theme.changes().changed.connect(_redraw)
    _kept.append((weakref.ref(target), name, role))


def _redraw() -> None:
    alive = [(t, n, r) for t, n, r in _kept if (o := t()) is not None and shiboken6.isValid(o)]
    _kept[:] = alive
    for target, name, role in alive:
        target().setIcon(icon(name, role))  # type: ignore[union-attr]
