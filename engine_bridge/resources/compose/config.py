"""What a compose file says, as Compose resolved it (`config`), and what follows from it:
which services an `up` with some profiles starts, the names its containers get, whether a
running project still matches its file, and what `down` removes. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.resources.compose.project import CONFIG_HASH, VOLUME, ComposeProject
from engine_bridge.resources.volumes.summary import VolumeSummary

#: libyaml's parser where PyYAML was built with it: many times faster than the pure one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    profiles: tuple[str, ...] = ()
    image: str = ""
    builds: bool = False  # has a build section: its image is made here
    depends_on: tuple[str, ...] = ()
    scale: int = 1


@dataclass(frozen=True)
class ComposeConfig:
    """A resolved compose file: its services, and the volumes and networks it declares
    (name -> whether it is external: made elsewhere, never removed by `down`)."""

    services: tuple[ServiceConfig, ...]
    volumes: Mapping[str, bool]
    networks: Mapping[str, bool]
    text: str = ""

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(sorted({p for s in self.services for p in s.profiles}))

    def service(self, name: str) -> ServiceConfig | None:
        return next((s for s in self.services if s.name == name), None)


def parse_config(text: str) -> ComposeConfig:
    """The YAML that `docker compose config` (or `docker-compose config`) prints."""
    try:
        document = yaml.load(text, Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise EngineError(ErrorKind.BAD_REQUEST, "Compose printed a configuration that is not "
                          "YAML", str(exc)) from exc  # fmt: skip
    if not isinstance(document, dict):
        raise EngineError(ErrorKind.BAD_REQUEST, "The compose file holds no services")
    services = []
    for name, body in sorted((document.get("services") or {}).items()):
        body = body if isinstance(body, dict) else {}
        depends = body.get("depends_on") or ()
        deploy = body.get("deploy") or {}
        replicas = deploy.get("replicas") if isinstance(deploy, dict) else None
        services.append(
            ServiceConfig(
                name=str(name),
                profiles=tuple(str(p) for p in body.get("profiles") or ()),
                image=str(body.get("image") or ""),
                builds="build" in body,
                depends_on=tuple(str(d) for d in depends),
                scale=int(body.get("scale") or replicas or 1),
            )
        )
    return ComposeConfig(
        services=tuple(services),
        volumes=_declared(document.get("volumes")),
        networks=_declared(document.get("networks")),
        text=text,
    )


def _declared(section: Any) -> dict[str, bool]:
    if not isinstance(section, dict):
        return {}
    return {str(name): bool(isinstance(body, dict) and body.get("external"))
            for name, body in section.items()}  # fmt: skip


def services_started(config: ComposeConfig, profiles: Collection[str]) -> list[str]:
    """The services `up` starts with these profiles: those with no profile or one of them,
    and what they depend on."""
    chosen = {s.name for s in config.services if not s.profiles or set(s.profiles) & set(profiles)}
    waiting = list(chosen)
    while waiting:
        service = config.service(waiting.pop())
        for needed in service.depends_on if service else ():
            if needed not in chosen:
                chosen.add(needed)
                waiting.append(needed)
    return sorted(chosen)


def profiles_in_use(config: ComposeConfig, project: ComposeProject) -> list[str]:
    """The profiles to name so that Compose sees every service the project has running:
    without them, a service behind a profile is invisible to stop and down."""
    present = {s.name for s in project.services}
    return sorted({p for s in config.services if s.name in present for p in s.profiles})


# --- names ----------------------------------------------------------------------------------

_V2_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def default_project_name(folder_name: str, v2: bool) -> str:
    """The name Compose gives a project started from this folder."""
    name = re.sub(r"[^-_a-z0-9]", "", folder_name.lower())
    if v2:
        name = name.lstrip("-_")
    return name or "default"


def project_name_problem(name: str, v2: bool) -> str:
    """What is wrong with a project name typed by the user ("" when nothing is)."""
    if not name:
        return "Give the project a name."
    if v2 and not _V2_NAME.fullmatch(name):
        return ("A project name is lower-case letters, digits, dashes and underscores, "
                "starting with a letter or digit.")  # fmt: skip
    if not v2 and re.sub(r"[^-_a-z0-9]", "", name.lower()) != name:
        return "A project name is lower-case letters, digits, dashes and underscores."
    return ""


def container_name(project: str, service: str, number: int, v2: bool) -> str:
    """The name Compose gives a service's n-th container."""
    return f"{project}-{service}-{number}" if v2 else f"{project}_{service}_{number}"


# --- drift ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """How a running project differs from its file now: services whose configuration
    changed, services the file has and the project lacks, services the file no longer has."""

    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def in_words(self) -> str:
        parts = []
        if self.changed:
            parts.append(f"changed: {', '.join(self.changed)}")
        if self.added:
            parts.append(f"new in the file: {', '.join(self.added)}")
        if self.removed:
            parts.append(f"no longer in the file: {', '.join(self.removed)}")
        return "; ".join(parts)


def parse_hashes(text: str) -> dict[str, str]:
    """What `config --hash="*"` prints: a service and its configuration's hash per line."""
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            found[parts[0]] = parts[1]
    return found


def drift_of(project: ComposeProject, hashes: Mapping[str, str]) -> Drift:
    """Compare the hashes Compose put on the project's containers with the file's now."""
    changed, removed = [], []
    for service in project.services:
        now = hashes.get(service.name)
        if now is None:
            removed.append(service.name)
        elif any(c.labels.get(CONFIG_HASH, "") != now for c in service.containers):
            changed.append(service.name)
    have = {s.name for s in project.services}
    added = sorted(name for name in hashes if name not in have)
    return Drift(tuple(changed), tuple(added), tuple(removed))


# --- what down removes ----------------------------------------------------------------------


@dataclass(frozen=True)
class DownPlan:
    """What `down` with these options removes, and what it leaves."""

    containers: tuple[str, ...]
    networks: tuple[str, ...]
    volumes: tuple[str, ...]  # removed (only with -v)
    images: tuple[str, ...]  # removed (only with --rmi)
    kept_volumes: tuple[str, ...]  # named volumes that stay
    orphans: tuple[str, ...] = ()  # containers of services the file no longer has: they stay


def plan_down(
    project: ComposeProject,
    config: ComposeConfig | None,
    volumes: Iterable[VolumeSummary],
    remove_volumes: bool = False,
    images: str = "",
) -> DownPlan:
    """What `down` (with `-v` when `remove_volumes`, `--rmi images` when given: "local"
    or "all") would remove from this project, from the engine's objects and the file."""
    in_file = {s.name for s in config.services} if config is not None else None
    going = [c for s in project.services for c in s.containers
             if in_file is None or s.name in in_file]  # fmt: skip
    orphans = [c.name for s in project.services if in_file is not None and s.name not in in_file
               for c in s.containers]  # fmt: skip
    declared = dict(config.volumes) if config is not None else None
    named, anonymous = [], []
    by_name = {v.name: v for v in volumes}
    for name in project.volumes:
        volume = by_name.get(name)
        short = volume.labels.get(VOLUME, "") if volume is not None else ""
        if declared is None or (short in declared and not declared[short]):
            named.append(name)
    for container in going:
        for mount in container.mounts:
            volume = by_name.get(mount.name)
            if mount.type == "volume" and volume is not None and volume.anonymous:
                anonymous.append(mount.name)
    removed_images: list[str] = []
    if images:
        for service in project.services:
            if in_file is not None and service.name not in in_file:
                continue  # an orphan's image: down leaves it
            wanted = config.service(service.name) if config is not None else None
            if images == "local" and (wanted is None or wanted.image):
                continue
            for container in service.containers:
                if container.image not in removed_images:
                    removed_images.append(container.image)
    return DownPlan(
        containers=tuple(c.name for c in going),
        networks=project.networks,
        volumes=tuple(named + sorted(set(anonymous))) if remove_volumes else (),
        images=tuple(removed_images),
        kept_volumes=() if remove_volumes else tuple(named),
        orphans=tuple(orphans),
    )
