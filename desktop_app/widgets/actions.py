"""The one way a pane makes a toolbar action: on the toolbar, on the list (so its shortcut
works there), with the shortcut written in its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

from desktop_app import icons


def toolbar_action(
    owner: QObject,
    toolbar: QToolBar,
    view: QWidget,
    label: str,
    key: str | QKeySequence.StandardKey,
    tip: str,
) -> QAction:
    """An action on `toolbar` and `view`; `key` "" for none."""
    action = QAction(label, owner)
    name = icons.for_action(label)
    if name is not None:
        icons.put(action, name)
    if key:
        shortcut = QKeySequence(key)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        tip = f"{tip} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    toolbar.addAction(action)
    view.addAction(action)
    return action
