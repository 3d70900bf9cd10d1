"""A fix to the docker SDK that Dockyard cannot do without, applied once on import.

The SDK's unix-socket connection opens a socket and connects it, but does not close it when
the connect fails (engine stopped, socket gone). Every retry while an engine is away would
leak a file descriptor until garbage collection. The replacement below closes it.
"""

from __future__ import annotations

import socket
from typing import Any

from docker.transport import unixconn


def _connect_closing_on_failure(self: Any) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(self.timeout)
    try:
        sock.connect(self.unix_socket)
    except BaseException:
        sock.close()
        raise
    self.sock = sock


unixconn.UnixHTTPConnection.connect = _connect_closing_on_failure
