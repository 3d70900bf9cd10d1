"""Operation: a user action, with its title, the `docker` command that does the same, its
progress and its result; and the log of every operation run on an engine. Each kind's
actions are in engine_bridge/resources.

An operation's `work` runs on the engine's executor with the SDK client; the bridge runs it
(`EngineBridge.perform`). The command is shown to learners, quoted for a POSIX shell.
"""

from __future__ import annotations

import enum
import itertools
import shlex
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.streams.build_progress import BuildProgress
from engine_bridge.streams.tool_output import ToolOutput
from engine_bridge.streams.transfer_progress import TransferProgress

R = TypeVar("R")

Work = Callable[[Any], R]
"""What an operation does, given the docker SDK client; runs off the event loop. What it
returns is the operation's result."""

_ids = itertools.count(1)


class OperationState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (OperationState.SUCCEEDED, OperationState.FAILED, OperationState.CANCELLED)


@dataclass(eq=False)
class Operation(Generic[R]):
    """A user action whose work gives an R. `argv` is the equivalent docker CLI command;
    `target` the object's id; `result` what the work gave, once it succeeded."""

    title: str
    argv: tuple[str, ...]
    work: Work[R] = field(repr=False)
    target: str | None = None
    verb: str = ""
    id: int = field(default_factory=lambda: next(_ids))
    state: OperationState = OperationState.QUEUED
    progress: float | None = None
    detail: str = ""
    error: EngineError | None = None
    result: R | None = field(default=None, repr=False)
    started_at: float | None = None
    finished_at: float | None = None
    #: Several docker commands joined with &&, when one does not do the same alone.
    script: tuple[tuple[str, ...], ...] = ()
    #: Set for work that can stop half-way (pull, push, save, load); see `cancel()`.
    cancel_requested: threading.Event | None = field(default=None, repr=False)
    #: Called (on the worker thread) when progress changed; the bridge sets it.
    on_progress: Callable[[], None] = field(default=lambda: None, repr=False)
    #: Called by `cancel()` to interrupt a blocked read, such as closing a stream.
    interrupt: Callable[[], None] = field(default=lambda: None, repr=False)
    #: What a transfer has done so far, for views that show more than one bar (a pull's
    #: or push's layers).
    live: TransferProgress | BuildProgress | ToolOutput | None = field(default=None, repr=False)
    _last_report: float = field(default=0.0, repr=False)

    @property
    def cancellable(self) -> bool:
        return self.cancel_requested is not None and not self.state.finished

    def cancel(self) -> None:
        """Ask the work to stop; it ends as CANCELLED at its next step."""
        if self.cancel_requested is not None and not self.state.finished:
            self.cancel_requested.set()
            self.interrupt()

    def check_cancelled(self) -> None:
        """Raise EngineError(CANCELLED) in the work once the user cancelled it."""
        if self.cancel_requested is not None and self.cancel_requested.is_set():
            raise EngineError(ErrorKind.CANCELLED, f"{self.title}: cancelled")

    def report(self, fraction: float | None, detail: str, force: bool = False) -> None:
        """Progress from the work; listeners hear at most ten reports a second."""
        self.progress, self.detail = fraction, detail
        now = time.monotonic()
        if force or now - self._last_report >= 0.1:
            self._last_report = now
            self.on_progress()

    @property
    def command(self) -> str:
        """The docker command(s), quoted so that they can be pasted into a POSIX shell."""
        if self.script:
            return " && ".join(shlex.join(step) for step in self.script)
        return shlex.join(self.argv)

    def mark_running(self) -> None:
        self.state = OperationState.RUNNING
        self.started_at = time.time()

    def mark_done(self, result: R) -> None:
        self.state = OperationState.SUCCEEDED
        self.result = result
        self.progress = 1.0 if self.progress is not None else None
        self.finished_at = time.time()

    def mark_failed(self, error: EngineError) -> None:
        cancelled = error.kind is ErrorKind.CANCELLED
        self.state = OperationState.CANCELLED if cancelled else OperationState.FAILED
        self.error = error
        self.finished_at = time.time()


Listener = Callable[[Operation[Any]], None]


class OperationLog:
    """Every operation run on one engine, newest last; listeners hear each change."""

    def __init__(self, keep: int = 500) -> None:
        self._keep = keep
        self.operations: list[Operation[Any]] = []
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def changed(self, operation: Operation[Any]) -> None:
        if operation not in self.operations:
            self.operations.append(operation)
            del self.operations[: -self._keep]
        for listener in list(self._listeners):
            listener(operation)
