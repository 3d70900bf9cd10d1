"""What a user does to containers, one Operation each, with the docker command that does
the same: start, stop, restart, pause, unpause, kill, remove, run, recreate, and changing the
restart policy."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import RestartPolicy
from engine_bridge.errors import EngineError, NotStarted, explain
from engine_bridge.operations import Operation
from engine_bridge.specs.restart_policy import render_restart_policy

if TYPE_CHECKING:
    from engine_bridge.specs.container_config import CreateRequest
    from engine_bridge.specs.run_spec import RunSpec


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
        try:
            cl.api.start(container_id)
        except Exception as exc:
            # Not chained: the engine's error holds its HTTP response, which holds a socket.
            raise NotStarted(explain(exc), container_id, spec.name) from None
        return container_id

    return Operation(f"Run {spec.name or spec.image}", spec.argv(), work, verb="creating")


def _create(cl: Any, request: CreateRequest, name: str) -> str:
    """Create from a whole configuration, then connect the networks beyond the first."""
    created = cl.api.create_container_from_config(request.body, name=name or None)
    container_id = str(created["Id"])
    try:
        for network, endpoint in request.connect.items():
            ipam = endpoint.get("IPAMConfig") or {}
            cl.api.connect_container_to_network(
                container_id, network, aliases=endpoint.get("Aliases"),
                links=endpoint.get("Links"), ipv4_address=ipam.get("IPv4Address"),
                ipv6_address=ipam.get("IPv6Address"), driver_opt=endpoint.get("DriverOpts"),
            )  # fmt: skip
    except Exception:
        cl.api.remove_container(container_id, force=True)
        raise
    return container_id


def recreate_container(
    old: ContainerRef, request: CreateRequest, command: Sequence[str]
) -> Operation[str]:
    """Replace a container with one made from `request` (its whole configuration with the
    user's edits), keeping its volumes.

    The original is stopped and renamed aside; the new one is created under the name and
    started; only then is the original removed (never its volumes). When any step fails,
    the new one is removed, the original gets its name back and is started again if it was
    running, and the error says that it is back.
    """
    final = request.name or old.name
    aside = f"{old.name}-dockyard-old"

    def work(cl: Any) -> str:
        running = bool((cl.api.inspect_container(old.id).get("State") or {}).get("Running"))
        if running:
            cl.api.stop(old.id)
        cl.api.rename(old.id, aside)
        new_id = ""
        try:
            new_id = _create(cl, request, final)
            cl.api.start(new_id)
        except Exception as exc:
            if new_id:
                with contextlib.suppress(Exception):
                    cl.api.remove_container(new_id, force=True)
            with contextlib.suppress(Exception):
                cl.api.rename(old.id, old.name)
            if running:
                with contextlib.suppress(Exception):
                    cl.api.start(old.id)
            error = explain(exc)
            raise EngineError(
                error.kind, f"{error.title}. {old.name} is back as it was", error.message,
                error.hint,
            ) from exc  # fmt: skip
        cl.api.remove_container(old.id, v=False)
        return new_id

    return Operation(
        f"Recreate {old.name}",
        tuple(command),
        work,
        target=old.id,
        verb="recreating",
        script=(
            ("docker", "stop", old.name),
            ("docker", "rename", old.name, aside),
            tuple(command),
            ("docker", "rm", aside),
        ),
    )


def duplicate_container(request: CreateRequest, command: Sequence[str]) -> Operation[str]:
    """A new container made from another's whole configuration with the user's edits, and
    started. `command` is the `docker run` that does the same, for the Activity drawer."""

    def work(cl: Any) -> str:
        container_id = _create(cl, request, request.name)
        try:
            cl.api.start(container_id)
        except Exception:
            cl.api.remove_container(container_id, force=True)
            raise
        return container_id

    return Operation(f"Duplicate as {request.name or 'a new container'}", tuple(command), work,
                     verb="creating")  # fmt: skip


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
