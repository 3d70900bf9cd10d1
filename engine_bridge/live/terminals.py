"""Terminal sessions into containers: exec with a TTY, attach to the main process, and
running one command for its output. No Qt: bytes in, bytes out.

A session's output is read on its own thread (a StreamReader); input and resizes go through
the bridge's executor, so the UI thread never waits on the socket.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine_bridge import sdk
from engine_bridge.live.reader import StreamReader

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

DETACH_KEYS = b"\x10\x11"  # Ctrl-P Ctrl-Q, the engine's default detach sequence
SHELL_MISSING_CODES = (126, 127)

# An exec's program is started by a small shell that first writes its process ID in a
# private escape sequence (terminals ignore it; the reader takes it out): closing the
# terminal then ends that process, which the Engine API has no call for.
_PID_START, _PID_END = b"\x1b]7770;", b"\x07"
_WRAPPER = ["sh", "-c", 'printf "\\033]7770;%s\\007" "$$"; exec "$@"', "sh"]


class _SocketOutput:
    """The socket's output as an iterator of byte strings; close() unblocks the reader."""

    def __init__(self, sock: socket.socket, multiplexed: bool, session: Any = None) -> None:
        self._sock = sock
        self._multiplexed = multiplexed
        self._session = session  # told the process ID, when the program sends it

    def __iter__(self) -> Iterator[bytes]:
        pending = b""
        head = b"" if self._session is not None else None
        while True:
            try:
                data = self._sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            if head is not None:
                head += data
                start = head.find(_PID_START)
                end = head.find(_PID_END, start + 1) if start >= 0 else -1
                if end < 0 and len(head) < 4096:
                    continue
                if start >= 0 and end >= 0:
                    number = head[start + len(_PID_START) : end]
                    if number.isdigit():
                        self._session.pid = int(number)
                    head = head[:start] + head[end + 1 :]
                data, head = head, None
                if not data:
                    continue
            if not self._multiplexed:
                yield data
                continue
            pending += data
            out = bytearray()
            while len(pending) >= 8:
                size = struct.unpack(">L", pending[4:8])[0]
                if len(pending) < 8 + size:
                    break
                out += pending[8 : 8 + size]
                pending = pending[8 + size :]
            if out:
                yield bytes(out)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._sock.close()


@dataclass
class TerminalSession:
    """One open terminal. `output` yields what the container prints; `exec_id` is None for
    an attach. Close it with `bridge.close_terminal()`."""

    container_id: str
    title: str
    exec_id: str | None
    sock: socket.socket
    output: StreamReader[bytes]
    handle: Any  # keeps the SDK's response (and so the connection) alive
    pid: int | None = None  # the program's process ID inside the container, once known

    @property
    def attached(self) -> bool:
        return self.exec_id is None


async def open_exec(
    bridge: EngineBridge, container_id: str, command: list[str], user: str, rows: int, cols: int
) -> TerminalSession:
    """Start `command` in the container with a TTY, sized rows x cols."""
    client = bridge.sdk_client
    created = await bridge.call(
        client.api.exec_create, container_id, [*_WRAPPER, *command], stdin=True, tty=True,
        user=user or "", environment=["TERM=xterm-256color"],
    )  # fmt: skip
    exec_id = str(created["Id"])
    handle = await bridge.call(client.api.exec_start, exec_id, tty=True, socket=True)
    sock = sdk.raw_socket(handle)
    sock.settimeout(None)  # an idle shell sends nothing for hours: that is no error
    # The engine ignores a resize before the process starts: size it right after.
    with contextlib.suppress(Exception):
        await bridge.call(client.api.exec_resize, exec_id, height=rows, width=cols)
    session = TerminalSession(container_id, " ".join(command), exec_id, sock, None, handle)  # type: ignore[arg-type]
    session.output = bridge.stream(
        f"exec:{container_id[:12]}", lambda _c: _SocketOutput(sock, False, session)
    )
    return session


async def attach(bridge: EngineBridge, container_id: str, tty: bool) -> TerminalSession:
    """Attach to the container's main process (its stdin, stdout and stderr)."""
    client = bridge.sdk_client
    params = {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
    handle = await bridge.call(client.api.attach_socket, container_id, params=params)
    sock = sdk.raw_socket(handle)
    sock.settimeout(None)  # a quiet main process is no error
    output = bridge.stream(f"attach:{container_id[:12]}", lambda _c: _SocketOutput(sock, not tty))
    return TerminalSession(container_id, "attached", None, sock, output, handle)


async def send(bridge: EngineBridge, session: TerminalSession, data: bytes) -> None:
    await bridge.call(session.sock.sendall, data)


async def resize(bridge: EngineBridge, session: TerminalSession, rows: int, cols: int) -> None:
    api = bridge.sdk_client.api
    if session.exec_id is not None:
        await bridge.call(api.exec_resize, session.exec_id, height=rows, width=cols)
    else:
        await bridge.call(api.resize, session.container_id, height=rows, width=cols)


async def exit_code(bridge: EngineBridge, session: TerminalSession) -> int | None:
    """The exec's exit code once it ended (None for an attach, or while it runs)."""
    if session.exec_id is None:
        return None
    data = await bridge.call(bridge.sdk_client.api.exec_inspect, session.exec_id)
    return None if data.get("Running") else data.get("ExitCode")


async def close(bridge: EngineBridge, session: TerminalSession) -> bool:
    """Close the terminal, and end its program in the container as a closed terminal window
    does (SIGHUP, then SIGKILL). False when the program may still run there (its process ID
    was never learned, or the container would not run the kill); True otherwise, and for an
    attach, whose process is the container's own."""
    await bridge.close_stream(session.output)
    with contextlib.suppress(OSError):
        session.sock.close()
    # The socket's file object holds the last reference: the descriptor closes with it.
    with contextlib.suppress(OSError, AttributeError):
        session.handle.close()
    if session.exec_id is None:
        return True
    try:
        return bool(await bridge.call(_end_exec, bridge.sdk_client, session))
    except Exception:
        return False


def _end_exec(client: Any, session: TerminalSession) -> bool:
    api = client.api
    if not api.exec_inspect(session.exec_id).get("Running"):
        return True
    if session.pid is None:
        return False
    for signal in ("HUP", "KILL"):
        kill = api.exec_create(session.container_id, ["sh", "-c", f"kill -{signal} {session.pid}"])
        api.exec_start(kill["Id"])
        for _ in range(20):
            if not api.exec_inspect(session.exec_id).get("Running"):
                return True
            time.sleep(0.05)
    return False


@dataclass(frozen=True)
class CommandResult:
    """What one command printed, and how it ended (`docker exec` without -it)."""

    stdout: str
    stderr: str
    exit_code: int


async def run_command(
    bridge: EngineBridge, container_id: str, command: list[str], user: str = ""
) -> CommandResult:
    client = bridge.sdk_client

    def run() -> CommandResult:
        created = client.api.exec_create(container_id, command, user=user or "")
        out, err = client.api.exec_start(created["Id"], demux=True)
        code = client.api.exec_inspect(created["Id"]).get("ExitCode")
        return CommandResult(
            (out or b"").decode("utf-8", "replace"),
            (err or b"").decode("utf-8", "replace"),
            int(code if code is not None else -1),
        )

    return await bridge.call(run)
