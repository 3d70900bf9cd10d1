"""One Operation per user action: its title, the `docker` command that does the same, its
progress and its result; and the log of every operation run on an engine.

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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from engine_bridge.dto import RestartPolicy
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.specs.restart_policy import render_restart_policy
from engine_bridge.streams.transfer_progress import TransferProgress

if TYPE_CHECKING:
    from engine_bridge.specs.run_spec import RunSpec

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
    live: TransferProgress | None = field(default=None, repr=False)
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


# --- container actions ---------------------------------------------------------------


@dataclass(frozen=True)
class ContainerRef:
    """Enough to name a container to the engine (id) and to a person (name)."""

    id: str
    name: str


def start_container(c: ContainerRef) -> Operation[None]:
    return Operation(
        f"Start {c.name}",
        ("docker", "start", c.name),
        lambda cl: cl.api.start(c.id),
        target=c.id,
        verb="starting",
    )


def stop_container(c: ContainerRef, timeout: int | None = None) -> Operation[None]:
    argv = ("docker", "stop", *(("-t", str(timeout)) if timeout is not None else ()), c.name)
    return Operation(
        f"Stop {c.name}",
        argv,
        lambda cl: cl.api.stop(c.id, timeout=timeout),
        target=c.id,
        verb="stopping",
    )


def restart_container(c: ContainerRef, timeout: int | None = None) -> Operation[None]:
    argv = ("docker", "restart", *(("-t", str(timeout)) if timeout is not None else ()), c.name)
    return Operation(
        f"Restart {c.name}",
        argv,
        # The SDK fails on timeout=None; leaving it out means the engine's default.
        lambda cl: cl.api.restart(c.id, **({} if timeout is None else {"timeout": timeout})),
        target=c.id,
        verb="restarting",
    )


def pause_container(c: ContainerRef) -> Operation[None]:
    return Operation(
        f"Pause {c.name}",
        ("docker", "pause", c.name),
        lambda cl: cl.api.pause(c.id),
        target=c.id,
        verb="pausing",
    )


def unpause_container(c: ContainerRef) -> Operation[None]:
    return Operation(
        f"Unpause {c.name}",
        ("docker", "unpause", c.name),
        lambda cl: cl.api.unpause(c.id),
        target=c.id,
        verb="unpausing",
    )


def kill_container(c: ContainerRef, signal: str = "SIGKILL") -> Operation[None]:
    argv = ("docker", "kill", *(("--signal", signal) if signal != "SIGKILL" else ()), c.name)
    return Operation(
        f"Kill {c.name}" + (f" with {signal}" if signal != "SIGKILL" else ""),
        argv,
        lambda cl: cl.api.kill(c.id, signal=signal),
        target=c.id,
        verb="killing",
    )


def remove_container(
    c: ContainerRef, force: bool = False, volumes: bool = False
) -> Operation[None]:
    flags = (*(("--force",) if force else ()), *(("--volumes",) if volumes else ()))
    return Operation(
        f"Remove {c.name}",
        ("docker", "rm", *flags, c.name),
        lambda cl: cl.api.remove_container(c.id, force=force, v=volumes),
        target=c.id,
        verb="removing",
    )


# --- creating containers -----------------------------------------------------------------


def run_container(spec: RunSpec) -> Operation[str]:
    """Create a container from `spec` and start it, as `docker run -d` does."""
    create, host = spec.create_arguments()

    def work(cl: Any) -> str:
        created = cl.api.create_container(host_config=cl.api.create_host_config(**host), **create)
        container_id = str(created["Id"])
        cl.api.start(container_id)
        return container_id

    return Operation(f"Run {spec.name or spec.image}", spec.argv(), work, verb="creating")


def recreate_container(old: ContainerRef, spec: RunSpec) -> Operation[str]:
    """Replace a container with one made from `spec`, keeping its volumes.

    The new container is created first, under a temporary name; only then is the old one
    stopped and removed (without its volumes), and the new one renamed and started. When
    the old one cannot be removed, the new one is removed again and nothing has changed.
    """
    final = spec.name or old.name
    temporary = f"{final}-dockyard-new"
    create, host = spec.create_arguments()
    create = {**create, "name": temporary}

    def work(cl: Any) -> str:
        created = cl.api.create_container(host_config=cl.api.create_host_config(**host), **create)
        new_id = str(created["Id"])
        try:
            cl.api.stop(old.id)
            cl.api.remove_container(old.id, v=False)
        except Exception:
            cl.api.remove_container(new_id, force=True)
            raise
        cl.api.rename(new_id, final)
        cl.api.start(new_id)
        return new_id

    draft = replace(spec, name=temporary)
    return Operation(
        f"Recreate {old.name}",
        draft.argv("create"),
        work,
        target=old.id,
        verb="recreating",
        script=(
            draft.argv("create"),
            ("docker", "stop", old.name),
            ("docker", "rm", old.name),
            ("docker", "rename", temporary, final),
            ("docker", "start", final),
        ),
    )


def update_restart_policy(c: ContainerRef, policy: RestartPolicy) -> Operation[None]:
    """Change a container's restart policy in place (`docker update --restart`)."""
    value = render_restart_policy(policy)
    restart = {"Name": policy.name, "MaximumRetryCount": policy.max_retries}
    return Operation(
        f"Set the restart policy of {c.name} to {value}",
        ("docker", "update", "--restart", value, c.name),
        lambda cl: cl.api.update_container(c.id, restart_policy=restart),
        target=c.id,
        verb="updating",
    )
