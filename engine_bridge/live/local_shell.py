"""A shell on this computer in a pseudo-terminal, whose docker commands reach the engine in
use (DOCKER_HOST and the TLS variables set as for the CLIs Dockyard runs): where a learner
tries a command from the command log. Its output is read on a worker thread."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import termios
from collections.abc import Iterator

from engine_bridge import cli
from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.live.reader import StreamReader


class _PtyOutput:
    def __init__(self, master: int) -> None:
        self._master = master

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the shell and everything it started have ended
                return
            if not data:
                return
            yield data

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._master)


def shell_program() -> str:
    """The user's shell ($SHELL), else bash, else sh."""
    for candidate in (os.environ.get("SHELL", ""), "bash", "sh"):
        if candidate and shutil.which(candidate):
            return candidate
    return "sh"


class LocalShell:
    """`output` (a StreamReader of bytes, started by `open()`), `send()`, `resize()`,
    `close()`, and `title`."""

    def __init__(self, endpoint: Endpoint | None, rows: int, cols: int) -> None:
        if os.name != "posix" or shutil.which("setsid") is None:
            raise EngineError(ErrorKind.PROVIDER, "No terminal for this computer here",
                              "Opening a shell on this computer needs a Unix-like system.",
                              "Copy the command and paste it into your terminal.")  # fmt: skip
        master, slave = os.openpty()
        self._master = master
        self.resize(rows, cols)
        program = shell_program()
        self.title = f"{os.path.basename(program)} on this computer"
        env = cli.environment(endpoint, dict(os.environ))
        env["TERM"] = "xterm-256color"
        # setsid --ctty: a session of its own with the terminal as its controlling terminal,
        # so that job control and Ctrl+C work as in any terminal.
        self.process = subprocess.Popen(
            ["setsid", "--ctty", program, "-i"], stdin=slave, stdout=slave, stderr=slave,
            env=env, cwd=os.path.expanduser("~"), close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.output: StreamReader[bytes] = StreamReader(lambda: _PtyOutput(master),
                                                        name="local shell")  # fmt: skip

    def open(self) -> LocalShell:
        """Start reading its output; call from the event loop."""
        self.output.start()
        return self

    def send(self, data: bytes) -> None:
        """Write what was typed (blocking: call off the UI thread)."""
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def resize(self, rows: int, cols: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.ioctl(self._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    @property
    def ended(self) -> bool:
        return self.process.poll() is not None

    def close(self) -> None:
        """End the shell (a hang-up, as when a terminal window closes) and what it started."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGHUP)
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(3)
