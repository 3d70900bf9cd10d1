"""Container logs as lines: demultiplexing the engine's frames and joining split lines.

Without a TTY the engine sends frames with an 8-byte header (stream, 0, 0, 0, size as a
32-bit big-endian number); with a TTY it sends the bytes as they came. A frame ends
anywhere: a line may span frames, and the engine cuts long lines into 16 KiB pieces, each
with its own timestamp when timestamps are on. Pure code: bytes in, lines out.
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Callable, Iterator
from typing import NamedTuple

from engine_bridge.dto import parse_time

STDOUT, STDERR = 1, 2
_HEADER = struct.Struct(">BxxxL")


class LogLine(NamedTuple):
    """One line of a container's output, without its newline.

    `stream` is STDOUT or STDERR; `timestamp` the engine's RFC 3339 time ("" when off);
    `source` names the container when lines of several are shown together. A named tuple:
    a million of them are made per million lines, so they must be cheap.
    """

    stream: int
    text: str
    timestamp: str = ""
    source: str = ""


#: A LogLine made by tuple's own constructor: the named tuple's __new__ is Python, and a
#: million lines are decoded in a couple of seconds.
_new_line = functools.partial(tuple.__new__, LogLine)


class LogDecoder:
    """Feed it the bytes of a logs response as they arrive; it returns complete lines."""

    def __init__(self, tty: bool, timestamps: bool, source: str = "") -> None:
        self.tty = tty
        self.timestamps = timestamps
        self.source = source
        self._pending = b""  # an incomplete frame header or payload
        self._partial: dict[int, bytearray] = {STDOUT: bytearray(), STDERR: bytearray()}
        self._stamp: dict[int, str] = {STDOUT: "", STDERR: ""}

    def feed(self, data: bytes) -> list[LogLine]:
        if self.tty:
            return self._payload(STDOUT, data)
        lines: list[LogLine] = []
        buffer = self._pending + data
        offset = 0
        while len(buffer) - offset >= _HEADER.size:
            stream, size = _HEADER.unpack_from(buffer, offset)
            end = offset + _HEADER.size + size
            if end > len(buffer):
                break
            lines += self._payload(STDERR if stream == STDERR else STDOUT,
                                   buffer[offset + _HEADER.size : end])  # fmt: skip
            offset = end
        self._pending = buffer[offset:]
        return lines

    def finish(self) -> list[LogLine]:
        """The last lines, when the stream ends without a final newline."""
        lines = []
        for stream, partial in self._partial.items():
            if partial:
                lines.append(self._line(stream, bytes(partial)))
                partial.clear()
        return lines

    def _payload(self, stream: int, payload: bytes) -> list[LogLine]:
        partial = self._partial[stream]
        if self.timestamps and not self.tty:
            # Every frame starts with a timestamp; a continuation piece's is not part of the text.
            stamp, _, payload = payload.partition(b" ")
            if not partial:
                self._stamp[stream] = stamp.decode("ascii", "replace")
                if payload.endswith(b"\n") and payload.count(b"\n") == 1:
                    return [self._line(stream, payload[:-1])]  # the usual case: one whole line
        lines: list[LogLine] = []
        start = 0
        while True:
            newline = payload.find(b"\n", start)
            if newline < 0:
                partial += payload[start:]
                return lines
            partial += payload[start:newline]
            lines.append(self._line(stream, bytes(partial)))
            partial.clear()
            start = newline + 1

    def _line(self, stream: int, raw: bytes) -> LogLine:
        stamp = self._stamp[stream] if self.timestamps else ""
        if self.timestamps and self.tty:
            head, _, raw = raw.partition(b" ")
            stamp = head.decode("ascii", "replace")
            if len(raw) > PIECE:
                raw = _without_piece_stamps(raw)
        text = raw.decode("utf-8", "replace")
        if text.endswith("\r"):
            text = text[:-1]
        line: LogLine = _new_line((stream, text, stamp, self.source))
        return line


PIECE = 16 * 1024  # the engine stores a longer line as pieces of exactly this many bytes
_PIECE_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) ")


def _without_piece_stamps(raw: bytes) -> bytes:
    """A TTY line longer than PIECE, without the timestamps the engine wrote before each of
    its later pieces (without frames, nothing else marks where a piece begins)."""
    kept: list[bytes] = []
    start = 0
    while len(raw) - start > PIECE:
        stamp = _PIECE_STAMP.match(raw, start + PIECE)
        if stamp is None:
            break
        kept.append(raw[start : start + PIECE])
        start = stamp.end()
    kept.append(raw[start:])
    return b"".join(kept)


def since(timestamp: str) -> str:
    """The engine's `since` that starts at this RFC 3339 timestamp (the line stamped exactly
    then included), as seconds.nanoseconds."""
    whole, _, rest = timestamp.partition(".")
    digits = ""
    for ch in rest:
        if not ch.isdigit():
            break
        digits += ch
    zone = rest[len(digits) :] if rest else timestamp[19:]
    moment = parse_time(whole + (zone or "Z"))
    if moment is None:
        raise ValueError(f"not a timestamp: {timestamp!r}")
    return f"{int(moment.timestamp())}.{digits[:9].ljust(9, '0')}"


class LogPosition:
    """How far a followed log has been read: the last line's timestamp and how many lines
    carried exactly that stamp. Reading again from that stamp (the engine includes it) and
    skipping those lines continues where the last read stopped, with nothing lost or twice.
    """

    def __init__(self, stamp: str = "") -> None:
        self.stamp = stamp
        self.at_stamp = 0
        self._to_skip = 0

    def resume(self) -> str | None:
        """The `since` to read on from; the lines read twice are dropped by `take()`."""
        if not self.stamp:
            return None
        self._to_skip = self.at_stamp
        return since(self.stamp)

    def take(self, lines: list[LogLine]) -> list[LogLine]:
        """The lines that are new; remembers where they end."""
        if self._to_skip:
            skip = 0
            while skip < len(lines) and skip < self._to_skip and lines[skip][2] == self.stamp:
                skip += 1
            self._to_skip = self._to_skip - skip if skip == len(lines) else 0
            lines = lines[skip:]
        if not lines:
            return lines
        last = lines[-1][2]
        same = 0
        for line in reversed(lines):
            if line[2] != last:
                break
            same += 1
        if last == self.stamp and same == len(lines):
            self.at_stamp += same
        elif last:
            self.stamp, self.at_stamp = last, same
        return lines


def dechunk(read: Callable[[int], bytes], block: int = 256 * 1024) -> Iterator[bytes]:
    """The payload of an HTTP chunked body, in blocks of whatever has arrived.

    The engine sends every log frame as a chunk of its own; urllib3 parses them one by one,
    which for a million lines costs longer than `docker logs` takes in all. Reading what the
    socket has (`read` returns at least one byte, or none at the end) and taking every
    complete chunk in it at once is several times faster.
    """
    buffer = bytearray()
    position = 0
    out = bytearray()
    while True:
        while True:
            end_of_size = buffer.find(b"\r\n", position)
            if end_of_size < 0:
                break
            # The engine writes no chunk extensions (";..."), only the size.
            size = int(buffer[position:end_of_size], 16)
            if size == 0:
                if out:
                    yield bytes(out)
                return
            start = end_of_size + 2
            if start + size + 2 > len(buffer):
                break
            out += buffer[start : start + size]
            position = start + size + 2
        if out:
            yield bytes(out)
            out.clear()
        del buffer[:position]
        position = 0
        data = read(block)
        if not data:
            return
        buffer += data
