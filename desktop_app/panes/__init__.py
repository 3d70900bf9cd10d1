"""The panes of the main window, in sidebar order, and what the window asks of each.

A pane is a widget with a `title` (its sidebar entry), made from the app's shared
`PaneContext`. PANES names each pane's class by its module, which is imported when the
pane is first needed (shown, or asked for): start-up imports and builds only what the first
window shows. The window gives every pane that has `attach(session)` the engine in use
(None: no engine), and asks those with `update_actions()` to follow the connection. A new
pane is an entry in PANES; the window does not change.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_app.session import EngineSession
    from engine_bridge import CredentialStore


@dataclass(frozen=True)
class PaneContext:
    """What the app shares with every pane."""

    credentials: CredentialStore


class PaneClass(Protocol):
    """A pane's class: its sidebar title, and made from the context."""

    title: str

    def __call__(self, context: PaneContext) -> QWidget: ...


@dataclass(frozen=True)
class PaneEntry:
    """A pane in the sidebar: its title, and where its class is (`module`:`name`)."""

    title: str
    module: str
    name: str

    def load(self) -> PaneClass:
        pane_class: PaneClass = getattr(importlib.import_module(self.module), self.name)
        return pane_class


CONTAINERS = PaneEntry("Containers", "desktop_app.panes.containers.pane", "ContainersPane")
COMPOSE = PaneEntry("Compose", "desktop_app.panes.compose.pane", "ComposePane")
IMAGES = PaneEntry("Images", "desktop_app.panes.images.pane", "ImagesPane")
VOLUMES = PaneEntry("Volumes", "desktop_app.panes.volumes.pane", "VolumesPane")
NETWORKS = PaneEntry("Networks", "desktop_app.panes.networks.pane", "NetworksPane")
BUILDS = PaneEntry("Builds", "desktop_app.panes.builds.pane", "BuildsPane")
RESOURCES = PaneEntry("Resources", "desktop_app.panes.resources", "ResourcesPane")
TERMINALS = PaneEntry("Terminals", "desktop_app.panes.terminals", "TerminalsPane")
ENGINE = PaneEntry("Engine", "desktop_app.panes.engine", "EnginePane")
LEARN = PaneEntry("Learn", "desktop_app.panes.learn.pane", "LearnPane")

PANES = (CONTAINERS, COMPOSE, IMAGES, VOLUMES, NETWORKS, BUILDS, RESOURCES, TERMINALS, ENGINE,
         LEARN)  # fmt: skip


@runtime_checkable
class FollowsEngine(Protocol):
    def attach(self, session: EngineSession | None) -> None: ...


@runtime_checkable
class HasActions(Protocol):
    def update_actions(self) -> None: ...
