"""Colours by what they mean, for the light and the dark theme: widgets ask for "bad" or
"muted", never for a hex value. The theme follows the application palette (a dark desktop
gets the dark colours)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from desktop_app.notify import Tone

LIGHT = {
    "good": "#1e8e3e", "bad": "#c5221f", "warn": "#b06000", "info": "#5f6368",
    "busy": "#1a73e8", "muted": "#5f6368", "link": "#1a73e8", "accent": "#1a73e8",
    "running": "#1e8e3e", "paused": "#b06000", "stopped": "#5f6368", "dead": "#c5221f",
    "panel": "#f1f3f4", "border": "#dadce0", "highlight": "#fef7e0",
    "chart.cpu": "#1a73e8", "chart.memory": "#9334e6", "chart.net": "#188038",
    "chart.disk": "#e37400",
}  # fmt: skip
DARK = {
    "good": "#81c995", "bad": "#f28b82", "warn": "#fdd663", "info": "#bdc1c6",
    "busy": "#8ab4f8", "muted": "#9aa0a6", "link": "#8ab4f8", "accent": "#8ab4f8",
    "running": "#81c995", "paused": "#fdd663", "stopped": "#9aa0a6", "dead": "#f28b82",
    "panel": "#303134", "border": "#5f6368", "highlight": "#3c3a2e",
    "chart.cpu": "#8ab4f8", "chart.memory": "#c58af9", "chart.net": "#81c995",
    "chart.disk": "#fcad70",
}  # fmt: skip


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
