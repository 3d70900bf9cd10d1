"""The window's menu bar and what only it offers: Settings, the panes by Ctrl+1..9, Go to
anything (Ctrl+K), the theme, the Learn Docker pages, the keyboard shortcuts, About and Quit.
Each is an action of the window, so its keys work wherever the focus is."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from desktop_app import icons, theme
from desktop_app.dialogs.settings_dialog import THEME_CHOICES
from desktop_app.learning import text

if TYPE_CHECKING:
    from desktop_app.window import MainWindow

#: Learn Docker: a page per subject, from the texts the panes show where the user meets it.
LEARN = (
    ("Images, tags and digests", ("images.reference", "images.tag", "images.digest")),
    ("Layers", ("images.layers", "images.config")),
    ("Entrypoint and Cmd", ("run.process", "run.interactive")),
    ("Ports", ("run.ports",)),
    ("Volumes", ("volumes.named", "volumes.anonymous", "run.volumes", "volumes.remove")),
    ("Restart policies", ("restart.no", "restart.on-failure", "restart.always",
                          "restart.unless-stopped")),
    ("Live stats", ("stats.charts", "stats.cpu", "stats.memory")),
)  # fmt: skip

ABOUT = (
    "<h2>Dockyard</h2><p>A desktop app for Docker: containers, images, volumes, live stats, "
    "logs and terminals, on the engine of your choice.</p><p>Every action can show the "
    "<code>docker</code> command that does the same (the Activity drawer lists them), so "
    "what you click is what you learn.</p><p>Free software, built with Python and Qt.</p>"
)


def learn_html(topics: tuple[str, ...]) -> str:
    """One Learn Docker page from its texts (each with its title where it has one)."""
    parts = []
    for topic in topics:
        title = text(topic, "title") if _has_title(topic) else ""
        parts.append((f"<h3>{title}</h3>" if title else "") + f"<p>{text(topic)}</p>")
    return "".join(parts)


def _has_title(topic: str) -> bool:
    try:
        return bool(text(topic, "title"))
    except KeyError:
        return False


def shortcut_rows(window: MainWindow) -> list[tuple[str, str, str]]:
    """Every keyboard shortcut: (where, what, keys), the window's first, then each pane's."""
    rows = []
    for action in window.actions():
        if not action.shortcut().isEmpty():
            rows.append(("Anywhere", action.text().replace("&", ""), _keys(action)))
    rows.append(("Any list", "Filter (or just type)", QKeySequence(QKeySequence.StandardKey.Find)
                 .toString(QKeySequence.SequenceFormat.NativeText)))  # fmt: skip
    for title, pane in window.panes.items():
        for action in pane.findChildren(QAction):
            if not action.shortcut().isEmpty() and action.text() != "Filter":
                rows.append((title, action.text(), _keys(action)))
    return rows


def _keys(action: QAction) -> str:
    return ", ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()
    )


def shortcuts_html(window: MainWindow) -> str:
    cells = "".join(
        f"<tr><td>{escape(where)}</td><td>{escape(what)}</td><td><b>{escape(keys)}</b></td></tr>"
        for where, what, keys in shortcut_rows(window)
    )
    return (
        "<p>Letters typed in a list go to its filter: they never start, stop or remove "
        "anything.</p><table cellpadding='4'><tr><th align='left'>Where</th>"
        f"<th align='left'>What</th><th align='left'>Keys</th></tr>{cells}</table>"
    )


def build(window: MainWindow) -> QMenuBar:
    """Fill the window's menu bar; returns it."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    settings_action = _action(window, file_menu, "&Settings…", window.open_settings,
                              QKeySequence.StandardKey.Preferences, "Ctrl+,")  # fmt: skip
    icons.put(settings_action, "settings")
    file_menu.addSeparator()
    _action(window, file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit, "Ctrl+Q")

    view = bar.addMenu("&View")
    for number, title in enumerate(window.panes, start=1):
        key = f"Ctrl+{number}" if number <= 9 else ""
        pane_action = _action(window, view, title, _show(window, title), None, key)
        icons.put(pane_action, title.lower())
    view.addSeparator()
    find = _action(window, view, "&Go to anything…", window.open_palette, None, "Ctrl+K")
    icons.put(find, "search")
    activity = window.activity_dock.toggleViewAction()
    activity.setText("&Activity drawer")
    activity.setShortcut(QKeySequence("Ctrl+Shift+A"))
    activity.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    view.addAction(activity)
    window.addAction(activity)
    themes = view.addMenu("&Theme")
    group = _ThemeChoices(themes)
    for value, words in THEME_CHOICES:
        choice = themes.addAction(words)
        choice.setCheckable(True)
        choice.setChecked(theme.choice() is value)
        choice.setData(value.value)
        group.addAction(choice)
        choice.triggered.connect(_theme(window, value))
    theme.changes().changed.connect(group.follow)

    help_menu = bar.addMenu("&Help")
    guide = help_menu.addAction("Your &first container (a guide)")
    guide.setObjectName("openGuide")
    guide.triggered.connect(lambda: window.show_guide())
    learn = help_menu.addMenu("&Learn Docker")
    icons.put(learn.menuAction(), "help")
    for title, topics in LEARN:
        learn.addAction(title).triggered.connect(_read(window, title, learn_html(topics)))
    _action(window, help_menu, "&Keyboard shortcuts", window.open_shortcuts, None, "Ctrl+/")
    help_menu.addSeparator()
    about = help_menu.addAction("&About Dockyard")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(_read(window, "About Dockyard", ABOUT))
    return bar


class _ThemeChoices(QActionGroup):
    """The theme menu's choices, ticked as the theme is (a slot of a Qt object: it goes
    when the menu does)."""

    def follow(self) -> None:
        for choice in self.actions():
            choice.setChecked(choice.data() == theme.choice().value)


def _action(
    window: QWidget,
    menu: QMenu,
    label: str,
    slot: Callable[[], object],
    standard: QKeySequence.StandardKey | None,
    fallback: str,
) -> QAction:
    """An action on `menu` and on the window (so its keys work wherever the focus is): the
    platform's keys for `standard` where it names some, else `fallback`."""
    action = QAction(label, window)
    keys = QKeySequence.keyBindings(standard) if standard is not None else []
    if keys or fallback:
        action.setShortcuts(keys or [QKeySequence(fallback)])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: slot())
    menu.addAction(action)
    window.addAction(action)
    return action


def _show(window: MainWindow, title: str) -> Callable[[], None]:
    return lambda: window.show_pane(title)


def _theme(window: MainWindow, value: theme.Choice) -> Callable[[], None]:
    return lambda: window.choose_theme(value)


def _read(window: MainWindow, title: str, html: str) -> Callable[[], None]:
    return lambda: window.open_reading(title, html)
