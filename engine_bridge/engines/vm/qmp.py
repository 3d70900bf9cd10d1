"""QEMU's machine protocol (QMP) over the VM's unix socket: one command at a time, with a
bound on every wait. Events QEMU sends meanwhile are passed over."""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path
from typing import Any


class QmpError(Exception):
    """QEMU refused a command, or could not be reached."""


class Qmp:
    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        try:
            self._socket.connect(str(path))
            self._file = self._socket.makefile("rw", encoding="utf-8")
            self._read()  # the greeting
            self.execute("qmp_capabilities")
        except (OSError, ValueError) as exc:
            self.close()
            raise QmpError(f"QEMU does not answer on {path}: {exc}") from exc

    def _read(self) -> dict[str, Any]:
        line = self._file.readline()
        if not line:
            raise QmpError("QEMU closed the connection")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def execute(self, command: str, **arguments: Any) -> Any:
        """Run `command`; its "return" value, or QmpError with QEMU's words."""
        ask: dict[str, Any] = {"execute": command}
        if arguments:
            ask["arguments"] = arguments
        try:
            self._file.write(json.dumps(ask) + "\n")
            self._file.flush()
            while True:
                answer = self._read()
                if "return" in answer:
                    return answer["return"]
                if "error" in answer:
                    raise QmpError(answer["error"].get("desc", str(answer["error"])))
        except (OSError, ValueError) as exc:
            raise QmpError(f"QEMU did not answer {command}: {exc}") from exc

    def monitor(self, line: str) -> str:
        """A human monitor command (hostfwd_add and the like); what it printed."""
        return str(self.execute("human-monitor-command", **{"command-line": line}))

    def close(self) -> None:
        for closing in (getattr(self, "_file", None), self._socket):
            if closing is not None:
                with contextlib.suppress(OSError):
                    closing.close()

    def __enter__(self) -> Qmp:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
