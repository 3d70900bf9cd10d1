"""ANSI colour codes (SGR) in log lines, as styled spans; every other escape is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_ESCAPE = re.compile(
    r"\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b."
)

# The 16 basic colours, as terminals commonly show them.
PALETTE = (
    "#000000", "#c01c28", "#26a269", "#a2734c", "#12488b", "#a347ba", "#2aa1b3", "#d0cfcc",
    "#5e5c64", "#f66151", "#33d17a", "#e9ad0c", "#2a7bde", "#c061cb", "#33c7de", "#ffffff",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Style:
    foreground: str | None = None
    background: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False


PLAIN = Style()


def has_escapes(text: str) -> bool:
    return "\x1b" in text


def strip(text: str) -> str:
    """The text without any escape sequence."""
    return _ESCAPE.sub("", text) if "\x1b" in text else text


def spans(text: str) -> list[tuple[str, Style]]:
    """The text cut where its style changes, each piece with its style."""
    if "\x1b" not in text:
        return [(text, PLAIN)]
    found: list[tuple[str, Style]] = []
    style = PLAIN
    position = 0
    for match in _ESCAPE.finditer(text):
        if match.start() > position:
            found.append((text[position : match.start()], style))
        position = match.end()
        if match.group(2) == "m":
            style = _apply(style, match.group(1))
    if position < len(text):
        found.append((text[position:], style))
    return found


def _colour(codes: list[int], index: int) -> tuple[str | None, int]:
    """A 38/48 extended colour starting at codes[index]; returns it and the codes used."""
    if index + 1 < len(codes) and codes[index + 1] == 5 and index + 2 < len(codes):
        return _xterm(codes[index + 2]), 3
    if index + 1 < len(codes) and codes[index + 1] == 2 and index + 4 < len(codes):
        r, g, b = (max(0, min(255, c)) for c in codes[index + 2 : index + 5])
        return f"#{r:02x}{g:02x}{b:02x}", 5
    return None, 1


def _xterm(number: int) -> str | None:
    if 0 <= number < 16:
        return PALETTE[number]
    if 16 <= number < 232:
        number -= 16
        levels = (0, 95, 135, 175, 215, 255)
        r, g, b = levels[number // 36], levels[(number // 6) % 6], levels[number % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    if 232 <= number < 256:
        grey = 8 + (number - 232) * 10
        return f"#{grey:02x}{grey:02x}{grey:02x}"
    return None


def _apply(style: Style, parameters: str) -> Style:
    codes = [int(c) if c.isdigit() else 0 for c in parameters.split(";")] if parameters else [0]
    index = 0
    while index < len(codes):
        code = codes[index]
        used = 1
        if code == 0:
            style = PLAIN
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            style = replace(style, underline=True)
        elif code == 22:
            style = replace(style, bold=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif 30 <= code <= 37:
            style = replace(style, foreground=PALETTE[code - 30])
        elif 90 <= code <= 97:
            style = replace(style, foreground=PALETTE[code - 90 + 8])
        elif code == 39:
            style = replace(style, foreground=None)
        elif 40 <= code <= 47:
            style = replace(style, background=PALETTE[code - 40])
        elif 100 <= code <= 107:
            style = replace(style, background=PALETTE[code - 100 + 8])
        elif code == 49:
            style = replace(style, background=None)
        elif code in (38, 48):
            colour, used = _colour(codes, index)
            if code == 38:
                style = replace(style, foreground=colour)
            else:
                style = replace(style, background=colour)
        index += used
    return style
