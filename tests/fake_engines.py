"""Sockets that stand where an engine should be but misbehave, for faults a real engine
cannot be made to show on demand: one that accepts connections and never answers, and one
that answers every request with the same wrong reply (an HTTP 500, or bytes that are not
HTTP)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 25\r\nConnection: close\r\n\r\nstorage backend is broken"
)
GARBAGE = b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"


class FakeEngine:
    """A unix socket at `path` that takes every connection; with `reply` None it reads and
    never answers, else it answers each request with `reply` and closes."""

    def __init__(self, path: Path, reply: bytes | None) -> None:
        self.path = path
        self.reply = reply
        self.connections = 0
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(64)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="fake-engine", daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            threading.Thread(
                target=self._serve, args=(conn,), name="fake-engine-conn", daemon=True
            ).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            if self.reply is None:
                while conn.recv(65536):  # never answer; wait for the client to give up
                    pass
                return
            conn.sendall(self.reply)
            conn.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        self._thread.join(timeout=2)
        self.path.unlink(missing_ok=True)


@contextlib.contextmanager
def fake_engine(path: Path, reply: bytes | None = None) -> Iterator[FakeEngine]:
    engine = FakeEngine(path, reply)
    try:
        yield engine
    finally:
        engine.close()
