"""Colours by what they mean, for the light and the dark theme: widgets ask for "bad" or
"muted", never for a hex value. The theme follows the application palette (a dark desktop
gets the dark colours)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from desktop_app.notify import Tone
from desktop_app.theme_colours import DARK, LIGHT, SERIES, TERMINAL

__all__ = ["DARK", "LIGHT", "SERIES", "TERMINAL", "colour", "dark", "of_tone", "qcolour"]


def dark() -> bool:
    """Whether the application's palette is a dark one."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colour(role: str) -> str:
    """The colour of a role ("bad", "muted", "running", "chart.cpu", ...) as #rrggbb."""
    return (DARK if dark() else LIGHT)[role]


def qcolour(role: str) -> QColor:
    return QColor(colour(role))


def of_tone(tone: Tone) -> str:
    return colour(tone.value)
