"""Compose projects as the engine shows them: the containers, networks and volumes that carry
a project's labels, grouped. Pure: no I/O.

Compose writes on everything it makes which project and service it belongs to, the folder
and files it was started from, and a hash of each service's configuration. Those labels are
all a project is to the engine, so a project started anywhere (the app, a terminal, another
tool) is found the same way, running or not.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine_bridge.dto import COMPOSE_PROJECT, COMPOSE_SERVICE
from engine_bridge.resources.containers.summary import ContainerSummary
from engine_bridge.resources.networks import NetworkSummary
from engine_bridge.resources.volumes.summary import VolumeSummary

WORKING_DIR = "com.docker.compose.project.working_dir"
CONFIG_FILES = "com.docker.compose.project.config_files"
ENV_FILE = "com.docker.compose.project.environment_file"
CONFIG_HASH = "com.docker.compose.config-hash"
VERSION = "com.docker.compose.version"
ONE_OFF = "com.docker.compose.oneoff"
NUMBER = "com.docker.compose.container-number"
VOLUME = "com.docker.compose.volume"
NETWORK = "com.docker.compose.network"


@dataclass(frozen=True)
class ComposeService:
    """One service of a project and its containers (several once scaled)."""

    name: str
    containers: tuple[ContainerSummary, ...]

    @property
    def running(self) -> int:
        return sum(1 for c in self.containers if c.is_running)

    @property
    def config_hashes(self) -> frozenset[str]:
        return frozenset(c.labels.get(CONFIG_HASH, "") for c in self.containers) - {""}


@dataclass(frozen=True)
class ComposeProject:
    """A project: its services with their containers, the networks and named volumes made
    for it, and where it was started from (`working_dir`, `config_files` as absolute paths,
    `env_file` where Compose recorded it)."""

    name: str
    services: tuple[ComposeService, ...]
    working_dir: str = ""
    config_files: tuple[str, ...] = ()
    env_file: str = ""
    made_by: tuple[str, ...] = ()  # the Compose versions whose labels its containers carry
    networks: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.name

    @property
    def containers(self) -> tuple[ContainerSummary, ...]:
        return tuple(c for s in self.services for c in s.containers)

    @property
    def running(self) -> int:
        return sum(s.running for s in self.services)

    @property
    def status(self) -> str:
        total, running = len(self.containers), self.running
        if total and running == total:
            return "Running"
        if running:
            return f"Running ({running} of {total})"
        if any(c.state == "paused" for c in self.containers):
            return "Paused"
        return "Stopped"

    @property
    def created(self) -> datetime | None:
        times = [c.created for c in self.containers if c.created is not None]
        return min(times) if times else None

    @property
    def made_by_v1(self) -> bool:
        """Whether Compose v1 (docker-compose 1.x) made its containers."""
        return any(v.startswith("1.") for v in self.made_by)

    def service(self, name: str) -> ComposeService | None:
        return next((s for s in self.services if s.name == name), None)


def projects_of(
    containers: Iterable[ContainerSummary],
    networks: Iterable[NetworkSummary] = (),
    volumes: Iterable[VolumeSummary] = (),
) -> list[ComposeProject]:
    """Every project that has a container, sorted by name."""
    by_project: dict[str, dict[str, list[ContainerSummary]]] = {}
    for container in containers:
        project = container.labels.get(COMPOSE_PROJECT)
        if project:
            service = container.labels.get(COMPOSE_SERVICE, "")
            by_project.setdefault(project, {}).setdefault(service, []).append(container)
    nets: dict[str, list[str]] = {}
    for network in networks:
        if network.compose_project:
            nets.setdefault(network.compose_project, []).append(network.name)
    vols: dict[str, list[str]] = {}
    for volume in volumes:
        owner = volume.labels.get(COMPOSE_PROJECT)
        if owner:
            vols.setdefault(owner, []).append(volume.name)
    return [
        _project(
            name, services, tuple(sorted(nets.get(name, ()))), tuple(sorted(vols.get(name, ())))
        )
        for name, services in sorted(by_project.items())
    ]


def _number(container: ContainerSummary) -> tuple[int, str]:
    text = container.labels.get(NUMBER, "")
    return (int(text) if text.isdigit() else 0, container.name)


def _project(
    name: str,
    services: dict[str, list[ContainerSummary]],
    networks: tuple[str, ...],
    volumes: tuple[str, ...],
) -> ComposeProject:
    every = [c for group in services.values() for c in group]
    # The newest container says best where the project was last started from.
    newest = max(every, key=lambda c: c.created.timestamp() if c.created else 0.0)
    labels = newest.labels
    working_dir = labels.get(WORKING_DIR, "")
    files = tuple(_in(working_dir, f.strip()) for f in labels.get(CONFIG_FILES, "").split(",")
                  if f.strip())  # fmt: skip
    return ComposeProject(
        name=name,
        services=tuple(
            ComposeService(service, tuple(sorted(group, key=_number)))
            for service, group in sorted(services.items())
        ),
        working_dir=working_dir,
        config_files=files,
        env_file=_in(working_dir, labels.get(ENV_FILE, "").strip()),
        made_by=tuple(sorted({c.labels.get(VERSION, "") for c in every} - {""})),
        networks=networks,
        volumes=volumes,
    )


def _in(folder: str, path: str) -> str:
    """A path Compose recorded, relative to the project's folder (v1) or absolute (v2)."""
    return posixpath.join(folder, path) if folder and path else path
