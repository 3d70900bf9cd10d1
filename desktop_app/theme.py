"""The light and the dark theme, and colours by what they mean: widgets ask for "bad" or
"muted", never for a hex value, or mark a label with its tone and let the style sheet colour
it. The theme follows the desktop's colour scheme unless the user chose one, and switches
live: `changes().changed` tells what draws its own colours to draw them again."""

from __future__ import annotations

import enum
import functools
from string import Template

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.learning import RESOURCES
from desktop_app.notify import Tone
from desktop_app.theme_colours import DARK, LIGHT, SERIES, TERMINAL

__all__ = [
    "DARK", "LIGHT", "SERIES", "TERMINAL", "Choice", "apply", "changes", "choice", "colour",
    "dark", "follow_desktop", "mark", "mark_problem", "of_tone", "qcolour", "style_sheet",
]  # fmt: skip


class Choice(enum.StrEnum):
    """The theme the user chose: the desktop's, or one of the two whatever the desktop."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class _Changes(QObject):
    changed = Signal()


_chosen = Choice.SYSTEM
#: Whether the palette apply() set is a dark one (None: not set yet). Asked for every cell a
#: list paints: a flag, not a look at the palette each time.
_dark: bool | None = None


@functools.cache
def changes() -> _Changes:
    """The one notifier: `changed()` after the theme switched."""
    return _Changes()


def choice() -> Choice:
    return _chosen


def dark() -> bool:
    """Whether the application's palette is a dark one."""
    if _dark is not None:
        return _dark
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def desktop_is_dark() -> bool:
    """Whether the desktop asks applications for dark colours (unknown counts as light)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def colour(role: str) -> str:
    """The colour of a role ("bad", "muted", "running", "chart.cpu", ...) as #rrggbb."""
    return (DARK if dark() else LIGHT)[role]


def qcolour(role: str) -> QColor:
    return QColor(colour(role))


def of_tone(tone: Tone) -> str:
    return colour(tone.value)


def apply(chosen: Choice) -> None:
    """Switch the whole application to the chosen theme, now."""
    global _chosen, _dark
    _chosen = chosen
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    is_dark = chosen is Choice.DARK or (chosen is Choice.SYSTEM and desktop_is_dark())
    table = DARK if is_dark else LIGHT
    app.setPalette(_palette(table))
    _dark = is_dark
    app.setStyleSheet(style_sheet(table))
    changes().changed.emit()


def follow_desktop() -> None:
    """Switch when the desktop's colour scheme does, while the user's choice is "system"."""

    def switched(_scheme: Qt.ColorScheme) -> None:
        if _chosen is Choice.SYSTEM:
            apply(Choice.SYSTEM)

    QGuiApplication.styleHints().colorSchemeChanged.connect(switched)


def style_sheet(table: dict[str, str]) -> str:
    """The application's style sheet in the colours of `table`."""
    template = Template((RESOURCES / "themes" / "dockyard.qss").read_text(encoding="utf-8"))
    values = {role.replace(".", "_"): value for role, value in table.items()}
    tick = "check-on-dark.svg" if table is DARK else "check-on-light.svg"
    values["check_image"] = (RESOURCES / "icons" / tick).as_posix()
    return template.substitute(values)


def _palette(table: dict[str, str]) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for target, name in (
        (role.Window, "window"), (role.WindowText, "text"), (role.Base, "base"),
        (role.AlternateBase, "alternate"), (role.Text, "text"), (role.Button, "button"),
        (role.ButtonText, "strong"), (role.BrightText, "bad"), (role.Highlight, "accent"),
        (role.HighlightedText, "on.accent"), (role.ToolTipBase, "tooltip"),
        (role.ToolTipText, "tooltip.text"), (role.PlaceholderText, "placeholder"),
        (role.Link, "link"), (role.LinkVisited, "link"), (role.Light, "alternate"),
        (role.Midlight, "hover"), (role.Mid, "border"), (role.Dark, "muted"),
        (role.Shadow, "strong"),
    ):  # fmt: skip
        palette.setColor(target, QColor(table[name]))
    disabled = QPalette.ColorGroup.Disabled
    for target in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, target, QColor(table["placeholder"]))
    return palette


def mark(widget: QWidget, tone: str | None) -> None:
    """Colour a widget's words by their tone ("muted", "bad", "warn", "good"; None for
    plain), through the style sheet, so a theme switch recolours it too."""
    _set(widget, "tone", tone or "")


def mark_problem(widget: QWidget, problem: bool) -> None:
    """Frame a field whose value is wrong."""
    _set(widget, "problem", "true" if problem else "")


def _set(widget: QWidget, name: str, value: str) -> None:
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return  # styled by the property when it is first shown: nothing to redo
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
