"""What a user does to containers, one Operation each, with the docker command that does
the same: start, stop, restart, pause, unpause, kill, remove, run, recreate, and changing the
restart policy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import RestartPolicy
from engine_bridge.operations import Operation
from engine_bridge.specs.restart_policy import render_restart_policy

if TYPE_CHECKING:
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
