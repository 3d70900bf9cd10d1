"""Log frames to lines: split frames, split lines, stdout and stderr, TTY and timestamps."""

from __future__ import annotations

import random
import struct

from engine_bridge.streams.log_lines import (
    STDERR,
    STDOUT,
    LogDecoder,
    LogLine,
    LogPosition,
    since,
)


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


def test_a_long_tty_line_loses_the_stamps_of_its_later_pieces() -> None:
    # What the engine sends for a 40,000-character line of a TTY container, with timestamps.
    body = b"x" * 40_000 + b"\r"
    stamps = [f"2026-01-01T00:00:0{i}.000000000Z ".encode() for i in range(3)]
    sent = stamps[0] + body[:16384] + stamps[1] + body[16384:32768] + stamps[2] + body[32768:]
    decoder = LogDecoder(tty=True, timestamps=True)
    lines = decoder.feed(sent[:20_000]) + decoder.feed(sent[20_000:] + b"\n")
    assert [(line.text, line.timestamp) for line in lines] == [
        ("x" * 40_000, "2026-01-01T00:00:00.000000000Z")
    ]


def test_a_tty_line_that_merely_looks_stamped_keeps_its_text() -> None:
    text = b"y" * 16384 + b"2026-01-01T00:00:00Z is a date in the text"
    lines = LogDecoder(tty=True, timestamps=False).feed(text + b"\r\n")
    assert lines[0].text == text.decode()


def test_a_log_read_again_from_its_position_loses_nothing_and_repeats_nothing() -> None:
    def at(stamp: str, *texts: str) -> list[LogLine]:
        return [LogLine(STDOUT, t, f"2026-01-01T00:00:0{stamp}.000000000Z") for t in texts]

    position = LogPosition()
    assert position.resume() is None
    first = at("1", "a", "b") + at("2", "c", "d")
    assert position.take(first) == first
    # The engine answers from the last stamp on: c and d again, then what was missed.
    assert position.resume() == f"{since('2026-01-01T00:00:02.000000000Z')}"
    assert position.take(at("2", "c")) == []
    again = position.take(at("2", "d", "e") + at("3", "f"))
    assert [line.text for line in again] == ["e", "f"]
    assert position.take(at("3", "g")) == at("3", "g")
    position.resume()
    assert [line.text for line in position.take(at("3", "f", "g", "h"))] == ["h"]


def test_since_starts_at_the_stamp_itself() -> None:
    assert since("2026-01-01T00:00:02.5Z") == "1767225602.500000000"
    assert since("2026-01-01T00:00:02Z") == "1767225602.000000000"


def test_frames_of_every_kind_give_the_same_lines_however_the_reads_split_them() -> None:
    """Lines one to a frame, a long line in pieces, a frame of two lines, carriage returns,
    bytes that are not UTF-8 and empty lines: wherever the reads split the stream, the
    lines are the same."""
    random.seed(7)
    stamp = "2026-01-01T00:00:00.{:09d}Z"
    sent: list[bytes] = []
    expected: list[LogLine] = []
    for n in range(3000):
        stream = STDERR if n % 7 == 0 else STDOUT
        at = stamp.format(n)
        kind = n % 50
        if kind == 10:  # a line longer than a piece: two frames, one stamp kept
            sent += [frame(stream, f"{at} ".encode() + b"p" * 16384),
                     frame(stream, f"{at} tail\n".encode())]  # fmt: skip
            expected.append(LogLine(stream, "p" * 16384 + "tail", at))
        elif kind == 20:  # two lines in one frame (as a TTY-less writer may send)
            sent.append(frame(stream, f"{at} first\nsecond\n".encode()))
            expected += [LogLine(stream, "first", at), LogLine(stream, "second", at)]
        else:
            text = {30: b"crlf\r", 31: b"", 32: b"bad \xff byte"}.get(kind, f"line {n}".encode())
            sent.append(frame(stream, f"{at} ".encode() + text + b"\n"))
            expected.append(LogLine(stream, text.decode("utf-8", "replace").removesuffix("\r"),
                                    at))  # fmt: skip
    data = b"".join(sent)
    for _ in range(5):
        decoder = LogDecoder(tty=False, timestamps=True)
        lines: list[LogLine] = []
        position = 0
        while position < len(data):
            step = random.choice([1, 7, 100, 4096, 65536, 262144])
            lines += decoder.feed(data[position : position + step])
            position += step
        lines += decoder.finish()
        assert lines == expected


def test_frames_without_timestamps_keep_their_stream_and_source() -> None:
    data = b"".join(frame(STDOUT if n % 2 else STDERR, f"n{n}\n".encode()) for n in range(100))
    lines = LogDecoder(tty=False, timestamps=False, source="web").feed(data)
    assert lines == [LogLine(STDOUT if n % 2 else STDERR, f"n{n}", "", "web") for n in range(100)]
