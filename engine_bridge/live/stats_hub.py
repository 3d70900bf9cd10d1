"""StatsHub: many stats streams read by one thread.

The engine samples every watched container in one sweep a second, so all their documents
arrive together. One thread waiting on all the sockets at once (a selector) wakes once or
twice for that burst and reads every document in it, where a thread per stream would wake
a hundred times. That keeps watching a hundred containers cheaper than `docker stats`.

Streams whose connection is not a plain socket (SSH) are not taken: `add()` says so, and
the caller reads those on a thread of their own.
"""

from __future__ import annotations

import contextlib
import json
import logging
import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine_bridge import sdk
from engine_bridge.streams.stats import ChunkedDocuments, StatsSample, has_cpu_delta, is_reading
from engine_bridge.streams.stats import sample as stats_sample

log = logging.getLogger(__name__)

Sink = Callable[[StatsSample], None]
Ended = Callable[[BaseException | None], None]


@dataclass(eq=False)
class HubStream:
    """One stream the hub reads; hand it back to `remove()`."""

    key: str
    response: Any
    reader: Any  # the response's buffered reader (it may hold the first bytes already)
    sock: socket.socket
    sink: Sink
    ended: Ended
    documents: ChunkedDocuments = field(default_factory=ChunkedDocuments)


class StatsHub:
    """Reads stats streams for many containers on one thread named "stream:stats"."""

    def __init__(self, gather: float = 0.05) -> None:
        # After reading what is there, wait this long before looking again: the documents
        # of a sweep arrive over some milliseconds, and are then read in one wake-up.
        self._gather = gather
        self._stopped = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._lock = threading.Lock()
        self._incoming: list[HubStream] = []
        self._leaving: list[HubStream] = []
        self._streams: set[HubStream] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="stream:stats", daemon=True)
        self._thread.start()

    def add(self, key: str, response: Any, sink: Sink, ended: Ended) -> HubStream | None:
        """Read `response` here; None (and nothing done) when its socket cannot be polled.

        `sink` gets each reading and `ended` the reason the stream ended (None: it ended
        because the container stopped, or was removed with `remove`); both are called on
        the hub's thread.
        """
        sock = sdk.socket_of(response)
        if sock is None:
            return None
        stream = HubStream(key, response, sdk.buffered_body(response), sock, sink, ended)
        with self._lock:
            self._incoming.append(stream)
        self._wake()
        return stream

    def remove(self, stream: HubStream) -> None:
        """Stop reading a stream (its `ended` is called with None); it may have ended."""
        with self._lock:
            self._leaving.append(stream)
        self._wake()

    def close(self) -> None:
        """End every stream and the thread."""
        self._stopping = True
        self._stopped.set()
        self._wake()
        self._thread.join(timeout=5)
        self._wake_read.close()
        self._wake_write.close()
        self._selector.close()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_write.send(b"x")

    # --- the hub's thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping:
                for key, _events in self._selector.select():
                    if key.data is None:
                        with contextlib.suppress(OSError):
                            self._wake_read.recv(4096)
                    else:
                        self._read(key.data)
                self._take_changes()
                self._stopped.wait(self._gather)
        finally:
            with self._lock:
                incoming, self._incoming = self._incoming, []
            for stream in [*self._streams, *incoming]:
                self._streams.add(stream)
                self._end(stream, None)

    def _take_changes(self) -> None:
        with self._lock:
            incoming, self._incoming = self._incoming, []
            leaving, self._leaving = self._leaving, []
        for stream in incoming:
            stream.sock.setblocking(False)
            self._streams.add(stream)
            self._selector.register(stream.sock, selectors.EVENT_READ, stream)
            # The first bytes may have come with the headers and wait in the buffer.
            self._read(stream, first=True)
        for stream in leaving:
            self._end(stream, None)

    def _read(self, stream: HubStream, first: bool = False) -> None:
        try:
            data = stream.reader.read1(65536)
        except BlockingIOError:
            return
        except Exception as exc:
            self._end(stream, exc)
            return
        if not data:
            if not first:  # readable with nothing to read: the engine closed the stream
                self._end(stream, None)
            return
        try:
            for document in stream.documents.feed(data):
                parsed = json.loads(document)
                if not is_reading(parsed):
                    self._end(stream, None)  # the container stopped
                    return
                if has_cpu_delta(parsed):
                    stream.sink(stats_sample(parsed))
        except Exception as exc:
            self._end(stream, exc)
            return
        if stream.documents.ended:
            self._end(stream, None)

    def _end(self, stream: HubStream, error: BaseException | None) -> None:
        if stream not in self._streams:
            return
        self._streams.discard(stream)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(stream.sock)
        with contextlib.suppress(OSError):
            stream.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            stream.response.close()
        try:
            stream.ended(error)
        except Exception:
            log.exception("stats stream %s: the end handler failed", stream.key[:12])
