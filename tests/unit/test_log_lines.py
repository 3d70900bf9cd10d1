"""Log frames to lines: split frames, split lines, stdout and stderr, TTY and timestamps."""

from __future__ import annotations

import struct

from engine_bridge.streams.log_lines import STDERR, STDOUT, LogDecoder, LogLine


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def test_frames_split_anywhere_give_whole_lines() -> None:
    data = frame(STDOUT, b"one\ntw") + frame(STDOUT, b"o\n") + frame(STDERR, b"oops\n")
    decoder = LogDecoder(tty=False, timestamps=False)
    lines = []
    for i in range(0, len(data), 3):  # three bytes at a time: headers split too
        lines += decoder.feed(data[i : i + 3])
    assert lines == [LogLine(STDOUT, "one"), LogLine(STDOUT, "two"), LogLine(STDERR, "oops")]


def test_long_line_in_pieces_keeps_the_first_timestamp() -> None:
    piece = b"x" * 16384
    data = (
        frame(STDOUT, b"2026-01-01T00:00:00.000000001Z " + piece)
        + frame(STDOUT, b"2026-01-01T00:00:00.000000002Z " + piece)
        + frame(STDOUT, b"2026-01-01T00:00:00.000000003Z end\n")
    )
    lines = LogDecoder(tty=False, timestamps=True).feed(data)
    assert len(lines) == 1
    assert lines[0].text == "x" * 32768 + "end"
    assert lines[0].timestamp == "2026-01-01T00:00:00.000000001Z"


def test_tty_bytes_have_no_frames() -> None:
    decoder = LogDecoder(tty=True, timestamps=True)
    lines = decoder.feed(b"2026-01-01T00:00:00Z hello\r\n2026-01-01T00:00:01Z wor")
    lines += decoder.feed(b"ld\r\n2026-01-01T00:00:02Z no newline")
    lines += decoder.finish()
    assert [(line.text, line.timestamp) for line in lines] == [
        ("hello", "2026-01-01T00:00:00Z"),
        ("world", "2026-01-01T00:00:01Z"),
        ("no newline", "2026-01-01T00:00:02Z"),
    ]
