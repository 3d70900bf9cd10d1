"""What a user does to volumes as a whole, one Operation each with the docker command that
does the same: create, remove, and prune with an exact preview.

A prune's meaning changed with Engine API 1.42: before it, `docker volume prune` removes
every unused volume of the local driver, named ones too; since, only anonymous ones unless
`--all` is given. `plan_prune` says which volumes the connected engine's prune removes, and
`prune_volumes` refuses to run when more would go now than the preview listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation
from engine_bridge.resources.volumes.summary import VolumeSummary

LOCAL_DRIVER = "local"


def api_at_least(version: str, wanted: tuple[int, int]) -> bool:
    """Whether an Engine API version such as "1.41" is `wanted` or later."""
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= wanted


def prune_takes_named(api_version: str) -> bool:
    """Whether a plain `docker volume prune` removes named volumes on this engine."""
    return not api_at_least(api_version, (1, 42))


def create_volume(
    name: str,
    driver: str = LOCAL_DRIVER,
    options: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Operation[str]:
    """`docker volume create`; the result is the volume's name (the engine's, when `name`
    is empty)."""
    argv = ["docker", "volume", "create"]
    if driver and driver != LOCAL_DRIVER:
        argv += ["--driver", driver]
    for key, value in (options or {}).items():
        argv += ["--opt", f"{key}={value}"]
    for key, value in (labels or {}).items():
        argv += ["--label", f"{key}={value}" if value else key]
    if name:
        argv.append(name)

    def work(client: Any) -> str:
        made = client.api.create_volume(
            name or None, driver=driver or LOCAL_DRIVER, driver_opts=dict(options or {}),
            labels=dict(labels or {}),
        )  # fmt: skip
        return str(made.get("Name", name))

    return Operation(f"Create volume {name or '(named by the engine)'}", tuple(argv), work,
                     target=name or None, verb="creating")  # fmt: skip


def remove_volume(name: str, force: bool = False) -> Operation[None]:
    """`docker volume rm`: the engine refuses while any container, running or not, uses it."""
    argv = ("docker", "volume", "rm", *(("--force",) if force else ()), name)
    return Operation(
        f"Remove volume {short_name(name)}",
        argv,
        lambda client: client.api.remove_volume(name, force=force),
        target=name,
        verb="removing",
    )


def short_name(name: str) -> str:
    """A volume's name as people read it: an engine-made 64-digit name shortened."""
    return f"{name[:12]}…" if len(name) == 64 else name


@dataclass(frozen=True)
class PrunePlan:
    """What a prune removes on one engine: `volumes` (names, in order), whether named ones
    go too, and the command that does it."""

    volumes: tuple[str, ...]
    api_version: str
    named_too: bool
    label: str | None = None

    @property
    def argv(self) -> tuple[str, ...]:
        argv = ["docker", "volume", "prune", "--force"]
        if self.named_too and not prune_takes_named(self.api_version):
            argv.insert(3, "--all")
        if self.label:
            argv[3:3] = ["--filter", f"label={self.label}"]
        return tuple(argv)

    @property
    def filters(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.label:
            found["label"] = [self.label]
        if self.named_too and not prune_takes_named(self.api_version):
            found["all"] = ["true"]
        return found


def plan_prune(
    volumes: Iterable[VolumeSummary],
    in_use: Iterable[str],
    api_version: str,
    named_too: bool = False,
    label: str | None = None,
) -> PrunePlan:
    """The volumes that `docker volume prune` removes on an engine of `api_version`:
    unused, of the local driver, carrying `label` when one is given, and (since API 1.42,
    unless `named_too`) anonymous. Before 1.42 named ones always go."""
    named_too = named_too or prune_takes_named(api_version)
    used = set(in_use)
    key, _, value = (label or "").partition("=")
    chosen = [
        v.name
        for v in volumes
        if v.name not in used
        and v.driver == LOCAL_DRIVER
        and (not label or (key in v.labels and (not value or v.labels[key] == value)))
        and (named_too or v.anonymous)
    ]
    return PrunePlan(tuple(sorted(chosen)), api_version, named_too, label)


def volumes_in_use(containers: Iterable[Mapping[str, Any]]) -> set[str]:
    """The names of the volumes that the containers (as the engine lists them) mount."""
    return {
        str(m.get("Name"))
        for c in containers
        for m in c.get("Mounts") or []
        if m.get("Type") == "volume" and m.get("Name")
    }


def prune_volumes(plan: PrunePlan) -> Operation[list[str]]:
    """Run the prune the preview showed; the result is what the engine removed.

    Just before, the plan is made again from what the engine has now: when more would go
    than the preview listed (a volume made or let go of since), nothing is removed."""

    def work(client: Any) -> list[str]:
        volumes = [VolumeSummary.from_api(v) for v in client.api.volumes().get("Volumes") or []]
        now = plan_prune(volumes, volumes_in_use(client.api.containers(all=True)),
                         plan.api_version, plan.named_too, plan.label)  # fmt: skip
        extra = sorted(set(now.volumes) - set(plan.volumes))
        if extra:
            raise EngineError(
                ErrorKind.CONFLICT,
                "The volumes changed since the preview",
                "A prune now would also remove " + ", ".join(short_name(n) for n in extra) + ".",
                "Nothing was removed. Open the prune preview again and check what it lists.",
            )
        if not plan.volumes:
            return []
        report = client.api.prune_volumes(filters=plan.filters)
        return sorted(str(n) for n in report.get("VolumesDeleted") or [])

    count = len(plan.volumes)
    return Operation(f"Prune {count} volume{'s' if count != 1 else ''}", plan.argv, work,
                     verb="pruning")  # fmt: skip
