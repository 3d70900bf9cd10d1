"""Every colour of the app by what it means, for the light and the dark theme, as plain data
(no Qt: the escape-code rendering, which imports no Qt, reads its palette here too).
desktop_app.theme picks the table that fits the desktop."""

from __future__ import annotations

LIGHT = {
    "good": "#1e8e3e", "bad": "#c5221f", "warn": "#b06000", "info": "#5f6368",
    "busy": "#1a73e8", "muted": "#5f6368", "link": "#1a73e8", "accent": "#1a73e8",
    "running": "#1e8e3e", "paused": "#b06000", "stopped": "#5f6368", "dead": "#c5221f",
    "panel": "#f1f3f4", "border": "#dadce0", "highlight": "#fef7e0", "text": "#3c4043",
    "banner": "#fef7e0", "banner.border": "#f9ab00", "selection": "#d2e3fc",
    "stderr": "#fef3f2", "stderr.mark": "#d93025", "notice": "#e8f0fe", "match": "#fde293",
    "match.current": "#fbbc04", "stamp": "#80868b", "cursor": "#9aa0a6", "bad.field": "#fce8e6",
    "chart.background": "#ffffff", "chart.limit": "#d93025", "chart.total": "#3c4043",
    # The window's own parts (the palette and the style sheet).
    "window": "#ffffff", "base": "#ffffff", "alternate": "#f8f9fa", "button": "#f1f3f4",
    "strong": "#202124", "placeholder": "#80868b", "tooltip": "#3c4043",
    "tooltip.text": "#ffffff", "hover": "#e8eaed", "selection.text": "#174ea6",
    "focus": "#1a73e8", "on.accent": "#ffffff",
}  # fmt: skip
DARK = {
    "good": "#81c995", "bad": "#f28b82", "warn": "#fdd663", "info": "#bdc1c6",
    "busy": "#8ab4f8", "muted": "#9aa0a6", "link": "#8ab4f8", "accent": "#8ab4f8",
    "running": "#81c995", "paused": "#fdd663", "stopped": "#9aa0a6", "dead": "#f28b82",
    "panel": "#303134", "border": "#5f6368", "highlight": "#3c3a2e", "text": "#e8eaed",
    "banner": "#3c3a2e", "banner.border": "#fdd663", "selection": "#394457",
    "stderr": "#3c2a2a", "stderr.mark": "#f28b82", "notice": "#2a3346", "match": "#6b5a1e",
    "match.current": "#a07d10", "stamp": "#9aa0a6", "cursor": "#9aa0a6", "bad.field": "#4a2a2a",
    "chart.background": "#202124", "chart.limit": "#f28b82", "chart.total": "#e8eaed",
    "window": "#202124", "base": "#1b1b1e", "alternate": "#26272a", "button": "#3c4043",
    "strong": "#f1f3f4", "placeholder": "#9aa0a6", "tooltip": "#e8eaed",
    "tooltip.text": "#202124", "hover": "#3c4043", "selection.text": "#d2e3fc",
    "focus": "#8ab4f8", "on.accent": "#202124",
}  # fmt: skip

#: Colours that tell series apart (chart lines, the sources of an interleaved log): the same
#: in both themes, chosen to read on light and dark backgrounds.
SERIES = ("#1a73e8", "#e8710a", "#1e8e3e", "#d93025", "#9334e6", "#12b5cb", "#f9ab00",
          "#5f6368", "#e52592", "#7cb342")  # fmt: skip

#: The terminal keeps one dark scheme whatever the desktop's theme, as terminals do.
TERMINAL = {
    "black": "#000000", "red": "#cd3131", "green": "#0dbc79", "brown": "#e5e510",
    "blue": "#2472c8", "magenta": "#bc3fbc", "cyan": "#11a8cd", "white": "#e5e5e5",
    "brightblack": "#666666", "brightred": "#f14c4c", "brightgreen": "#23d18b",
    "brightbrown": "#f5f543", "brightblue": "#3b8eea", "brightmagenta": "#d670d6",
    "brightcyan": "#29b8db", "brightwhite": "#ffffff",
    "foreground": "#e5e5e5", "background": "#1e1e1e",
}  # fmt: skip


#: The 16 basic colours of escape codes in logs, as terminals commonly show them.
ESCAPE_CODES = (
    "#000000", "#c01c28", "#26a269", "#a2734c", "#12488b", "#a347ba", "#2aa1b3", "#d0cfcc",
    "#5e5c64", "#f66151", "#33d17a", "#e9ad0c", "#2a7bde", "#c061cb", "#33c7de", "#ffffff",
)  # fmt: skip
