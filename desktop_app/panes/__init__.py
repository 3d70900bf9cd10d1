"""The panes of the main window, in sidebar order, and what the window asks of each.

A pane is a widget with a `title` (its sidebar entry), made from the app's shared
`PaneContext`. The window gives every pane that has `attach(session)` the engine in use
(None: no engine), and asks those with `update_actions()` to follow the connection. A new
pane is a class in PANES; the window does not change.
"""

from __future__ import annotations

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


@runtime_checkable
class FollowsEngine(Protocol):
    def attach(self, session: EngineSession | None) -> None: ...


@runtime_checkable
class HasActions(Protocol):
    def update_actions(self) -> None: ...


def _panes() -> tuple[PaneClass, ...]:
    from desktop_app.panes.builds.pane import BuildsPane
    from desktop_app.panes.compose.pane import ComposePane
    from desktop_app.panes.containers.pane import ContainersPane
    from desktop_app.panes.engine import EnginePane
    from desktop_app.panes.images.pane import ImagesPane
    from desktop_app.panes.learn.pane import LearnPane
    from desktop_app.panes.networks.pane import NetworksPane
    from desktop_app.panes.resources import ResourcesPane
    from desktop_app.panes.terminals import TerminalsPane
    from desktop_app.panes.volumes.pane import VolumesPane

    return (ContainersPane, ComposePane, ImagesPane, VolumesPane, NetworksPane, BuildsPane,
            ResourcesPane, TerminalsPane, EnginePane, LearnPane)  # fmt: skip


PANES: tuple[PaneClass, ...]


def __getattr__(name: str) -> tuple[PaneClass, ...]:
    # PANES is made on first use, so that a kind's rows.py (pure) imports without Qt.
    if name == "PANES":
        global PANES
        PANES = _panes()
        return PANES
    raise AttributeError(name)
