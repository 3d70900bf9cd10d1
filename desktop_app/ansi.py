"""A log line as a terminal would show it: colours and styles (SGR) as styled spans,
carriage returns and backspaces overwriting what was written, tabs to the next stop of
eight, erase-in-line honoured, and every other escape sequence or control byte dropped,
never drawn.

Pure code, no Qt. Plain lines (most of any log) take a fast path that only checks them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from desktop_app.theme_colours import ESCAPE_CODES

# What a terminal reads as one command: CSI (ESC [ parameters, intermediates, final byte,
# private modes such as "?25l" included), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings,
# character-set choices (ESC ( B), any other two-byte escape, a lone ESC at the end, and
# single control bytes.
_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[()*+\-./][ -~]"
    r"|\x1b[ -~]?"
    r"|[\x00-\x1a\x1c-\x1f\x7f]"
)
# Anything that makes a line more than its characters.
_SPECIAL = re.compile(r"[\x00-\x1f\x7f]")
# What moves the cursor, so that later text lands elsewhere than at the end.
_MOVES = re.compile(r"[\r\b\t]|\x1b\[[0-?]*[ -/]*[CDGK]")

# The 16 basic colours, from the theme's colour tables.
PALETTE = ESCAPE_CODES
TAB_STOP = 8


@dataclass(frozen=True, slots=True)
class Style:
    foreground: str | None = None
    background: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False


PLAIN = Style()


def needs_rendering(text: str) -> bool:
    """Whether the line holds escapes or control bytes (else it shows as it is)."""
    return _SPECIAL.search(text) is not None


def strip(text: str) -> str:
    """The characters the line shows, without styles."""
    if _SPECIAL.search(text) is None:
        return text
    if _MOVES.search(text) is None:
        return _TOKEN.sub("", text)
    return "".join(piece for piece, _style in _cells(text))


def spans(text: str) -> list[tuple[str, Style]]:
    """The characters the line shows, cut where their style changes, each with its style."""
    if _SPECIAL.search(text) is None:
        return [(text, PLAIN)]
    if _MOVES.search(text) is None:
        return _in_order(text)
    return _cells(text)


def _sgr(match: re.Match[str]) -> str | None:
    """The parameters of a colour or style command; None for any other sequence."""
    if match.group("final") != "m":
        return None
    params = match.group("params")
    return None if params and params[0] in "<=>?" else params


def _in_order(text: str) -> list[tuple[str, Style]]:
    """Spans of a line whose text is written left to right (nothing moves the cursor)."""
    found: list[tuple[str, Style]] = []
    style = PLAIN
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            found.append((text[position : match.start()], style))
        position = match.end()
        params = _sgr(match) if match.group("final") else None
        if params is not None:
            style = _apply(style, params)
    if position < len(text):
        found.append((text[position:], style))
    return found


def _cells(text: str) -> list[tuple[str, Style]]:
    """Spans of a line written into a row of cells with a cursor, as a terminal does."""
    chars: list[str] = []
    styles: list[Style] = []
    column = 0
    style = PLAIN

    def write(piece: str, at: int) -> int:
        if at > len(chars):
            gap = at - len(chars)
            chars.extend(" " * gap)
            styles.extend([PLAIN] * gap)
        end = at + len(piece)
        chars[at:end] = piece
        styles[at:end] = [style] * len(piece)
        return end

    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            column = write(text[position : match.start()], column)
        position = match.end()
        token = match.group()
        final = match.group("final")
        if token == "\r":
            column = 0
        elif token == "\b":
            column = max(0, column - 1)
        elif token == "\t":
            column = (column // TAB_STOP + 1) * TAB_STOP
        elif final:
            params = match.group("params")
            if final == "m" and _sgr(match) is not None:
                style = _apply(style, params)
            elif final == "K":
                column = _erase(chars, styles, column, params)
            elif final in "CDG" and not params.startswith("?"):
                count = int(params) if params.isdigit() else 1
                if final == "C":
                    column += count
                elif final == "D":
                    column = max(0, column - count)
                else:
                    column = max(0, count - 1)
    if position < len(text):
        write(text[position:], column)
    return [
        ("".join(chars[run[0] : run[-1] + 1]), run_style)
        for run_style, group in itertools.groupby(range(len(chars)), key=styles.__getitem__)
        for run in [list(group)]
    ]


def _erase(chars: list[str], styles: list[Style], column: int, params: str) -> int:
    """Erase in line: 0 (or none) to the end, 1 to the start, 2 the whole line."""
    if params in ("", "0"):
        del chars[column:], styles[column:]
    else:
        upto = len(chars) if params == "2" else min(column + 1, len(chars))
        chars[:upto] = " " * upto
        styles[:upto] = [PLAIN] * upto
    return column


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
