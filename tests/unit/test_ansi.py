"""Log lines shown as a terminal would show them: private modes and other escapes dropped,
control bytes never drawn, carriage returns and backspaces overwrite, tabs to stops of 8."""

from __future__ import annotations

from desktop_app.ansi import PALETTE, PLAIN, Style, spans, strip


def test_private_modes_and_other_sequences_leave_nothing_behind() -> None:
    line = "\x1b[?25l\x1b[?1049hstarting\x1b[?25h\x1b[>4;2m\x1b]0;title\x07\x1b(B\x1b=done"
    assert strip(line) == "startingdone"
    assert "".join(piece for piece, _ in spans(line)) == "startingdone"


def test_control_bytes_are_not_drawn() -> None:
    assert strip("a\x00b\x07c\x01d\x7fe") == "abcde"
    assert strip("ends with a lone escape\x1b") == "ends with a lone escape"


def test_a_progress_bar_shows_its_last_frame() -> None:
    frames = "\r".join(f"[{'#' * n}{' ' * (10 - n)}] {n * 10}%" for n in range(11))
    assert strip(frames) == "[##########] 100%"
    # A shorter frame leaves the end of the longer one, as on a terminal...
    assert strip("downloading 100 files\rdone") == "doneloading 100 files"
    # ...unless the line is erased first, as progress bars do.
    assert strip("downloading 100 files\r\x1b[Kdone") == "done"


def test_backspace_and_tabs_move_the_cursor() -> None:
    assert strip("abc\bd") == "abd"
    assert strip("a\tb") == "a       b"
    assert strip("abcdefgh\tX") == "abcdefgh        X"


def test_colours_survive_overwriting() -> None:
    line = "\x1b[31mred\x1b[0m\rX"
    assert spans(line) == [("X", PLAIN), ("ed", Style(foreground=PALETTE[1]))]


def test_colour_spans_of_a_line_written_in_order() -> None:
    assert spans("\x1b[1;32mok\x1b[0m then \x1b[?25l\x1b[38;5;196mred") == [
        ("ok", Style(foreground=PALETTE[2], bold=True)),
        (" then ", PLAIN),
        ("red", Style(foreground="#ff0000")),
    ]


def test_plain_lines_are_kept_as_they_are() -> None:
    assert strip("plain text") == "plain text"
    assert spans("plain text") == [("plain text", PLAIN)]
