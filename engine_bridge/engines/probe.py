"""Ask an engine's unix socket whether it answers, without the SDK and without blocking long."""

from __future__ import annotations

import socket
from pathlib import Path


def _ping(path: Path | str, timeout: float) -> bytes | None:
    """The head of the engine's answer to GET /_ping, or None when nothing answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply and len(reply) < 8192:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return None
    return reply if reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16] else None


def ping_socket(path: Path | str, timeout: float = 1.0) -> bool:
    """True when an engine answers GET /_ping with 200 OK on the unix socket at `path`."""
    return _ping(path, timeout) is not None


def api_version(path: Path | str, timeout: float = 1.0) -> str | None:
    """The newest API version the engine on `path` speaks (its /_ping header), if it answers."""
    reply = _ping(path, timeout)
    if reply is None:
        return None
    for line in reply.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"api-version":
            return value.strip().decode("ascii", "replace") or None
    return None
