"""Running the docker command-line tools (docker compose, docker-compose, docker buildx)
against the engine the app is connected to, their output read line by line as progress.

A tool run here is aimed at the bridge's endpoint through the environment the docker CLI
reads (DOCKER_HOST, and the TLS variables for tcp), never at whatever the user's shell
would choose. What a tool says when it fails becomes an EngineError in its own words.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine_bridge import priority
from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind

#: How much lower than the app background checks run (as `nice -n 10`).
BACKGROUND_NICENESS = 10

#: How much lower than the app a tool doing the user's long work runs: the engine does the
#: work that matters; the tool's own CPU must not take the window's.
WORK_NICENESS = 5

#: How long a stopped tool gets to finish what it was doing before it is killed.
GRACE_SECONDS = 10.0
#: When a tool asked to stop as Ctrl+C would has not, it is asked with SIGTERM.
TERM_AFTER_SECONDS = 3.0


@dataclass(frozen=True)
class CliResult:
    """How a tool run ended: its exit status and what it printed (stdout and stderr, in the
    order printed when it was followed line by line)."""

    argv: tuple[str, ...]
    returncode: int
    output: str
    errors: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def environment(endpoint: Endpoint | None, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that aims the docker CLIs at `endpoint`."""
    env = dict(os.environ if base is None else base)
    if endpoint is None:
        return env
    for name in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        env.pop(name, None)
    env["DOCKER_HOST"] = endpoint.host
    tls = endpoint.tls
    if tls is not None:
        folders = {p.parent for p in (tls.ca, tls.cert, tls.key) if p is not None}
        if len(folders) == 1:
            env["DOCKER_CERT_PATH"] = str(folders.pop())
        if tls.verify:
            env["DOCKER_TLS_VERIFY"] = "1"
    return env


def run(
    argv: Sequence[str],
    endpoint: Endpoint | None,
    cwd: Path | str | None = None,
    timeout: float = 120.0,
    background: bool = False,
) -> CliResult:
    """Run a tool to the end and keep what it printed (blocking). `background` work (a
    check nobody waits on) runs at a lower priority than the app and the user's work."""
    try:
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=environment(endpoint), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, errors="replace",
        )  # fmt: skip
    except FileNotFoundError as exc:
        raise _not_found(argv, exc) from exc
    with process:
        if background:
            priority.lower(process.pid, BACKGROUND_NICENESS)
        try:
            output, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.communicate()
            raise EngineError(
                ErrorKind.NOT_ANSWERING,
                f"{argv[0]} did not answer",
                f"{' '.join(argv[:3])} ran for {timeout:.0f} s without finishing.",
            ) from exc
    return CliResult(tuple(argv), process.returncode, output, errors)


class Follow:
    """A tool run whose output is read as it comes; `stop()` (from any thread) asks it to
    end as Ctrl+C would, and kills it if it has not within GRACE_SECONDS."""

    def __init__(self, argv: Sequence[str], endpoint: Endpoint | None,
                 cwd: Path | str | None = None, niceness: int = 0) -> None:  # fmt: skip
        self.argv = tuple(argv)
        self._niceness = niceness
        self._endpoint = endpoint
        self._cwd = cwd
        self._process: subprocess.Popen[str] | None = None
        self._stopping = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def run(self, on_line: Callable[[str], None]) -> CliResult:
        """Start the tool and hand each line it prints to `on_line` (blocking)."""
        try:
            process = subprocess.Popen(
                list(self.argv), cwd=self._cwd, env=environment(self._endpoint),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                text=True, errors="replace", bufsize=1, start_new_session=True,
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise _not_found(self.argv, exc) from exc
        self._process = process
        if self._niceness:
            priority.lower(process.pid, self._niceness, group=True)
        if self._stopping.is_set():
            self._signal(signal.SIGINT)
        lines: list[str] = []
        with process:  # closes the pipe when done
            assert process.stdout is not None
            for raw in process.stdout:
                line = raw.rstrip("\r\n")
                lines.append(line)
                on_line(line)
            returncode = process.wait()
        return CliResult(self.argv, returncode, "\n".join(lines))

    def stop(self) -> None:
        self._stopping.set()
        if self._process is None:
            return
        self._signal(signal.SIGINT)
        # A shell that got Ctrl+C while starting a program acts on it only once that program
        # ends; SIGTERM is not put off so.
        for after, which in ((TERM_AFTER_SECONDS, signal.SIGTERM),
                             (GRACE_SECONDS, signal.SIGKILL)):  # fmt: skip
            timer = threading.Timer(after, self._signal, (which,))
            timer.daemon = True
            timer.start()

    def _signal(self, which: int) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, which)


def said(result: CliResult, limit: int = 12) -> str:
    """What a failed tool said about why, without its noise: the lines that carry the error
    (compose v1 starts them with "ERROR:"), else its last lines."""
    text = result.errors or result.output
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    marked = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
    chosen = marked or lines[-limit:]
    return "\n".join(chosen[-limit:]) or f"It ended with status {result.returncode}."


def failure(title: str, result: CliResult, hint: str = "") -> EngineError:
    """A tool's failure as an EngineError in the tool's own words."""
    return EngineError(ErrorKind.CONFLICT, title, said(result), hint)


def _not_found(argv: Sequence[str], exc: OSError) -> EngineError:
    return EngineError(
        ErrorKind.CONFIG,
        f"{argv[0]} is not installed",
        f"The program {argv[0]} was not found: {exc.strerror}.",
        "Install it, or put it on the PATH, and try again.",
    )
