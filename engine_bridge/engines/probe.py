"""Ask an engine's unix socket whether it answers, without the SDK and without blocking long."""

from __future__ import annotations

import socket
from pathlib import Path


def ping_socket(path: Path | str, timeout: float = 1.0) -> bool:
    """True when an engine answers GET /_ping with 200 OK on the unix socket at `path`.

    A quick look without the SDK, for a local socket; sdk.make_client asks properly and
    says what went wrong."""
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
        return False
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16]
