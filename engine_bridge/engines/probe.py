"""Ask an engine's unix socket whether it answers, without the SDK and without blocking long."""

from __future__ import annotations

import socket
from pathlib import Path


def ping_socket(path: Path | str, timeout: float = 1.0) -> bool:
    """True when an engine answers GET /_ping with 200 OK on the unix socket at `path`."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16]
