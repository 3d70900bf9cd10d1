"""EngineSession: one engine as the UI sees it, with Qt signals for everything that changes.

It owns the provider (where the engine comes from), the bridge and the state store, and
turns their plain callbacks into signals. Provider status can change on a worker thread;
signals carry it to the UI thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.stats_feed import StatsFeed
from engine_bridge import (
    Change,
    Connection,
    ConnectionChange,
    EngineBridge,
    EngineError,
    EngineFacts,
    EngineProvider,
    EngineState,
    ErrorKind,
    Operation,
    ProviderStatus,
    StatsWatch,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class EngineSession(QObject):
    """The engine in use.

    Signals: `resources_changed(list[Change])`, `connection_changed(ConnectionChange)`,
    `facts_changed(EngineFacts)`, `operation_changed(Operation)`,
    `provider_changed(ProviderStatus)`.
    Attributes: `provider`, `bridge` and `state` (None until `open()`), `stats`,
    `facts`.
    """

    resources_changed = Signal(object)
    connection_changed = Signal(object)
    facts_changed = Signal(object)
    operation_changed = Signal(object)
    provider_changed = Signal(object)

    def __init__(self, provider: EngineProvider, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.bridge: EngineBridge | None = None
        self.state: EngineState | None = None
        self.stats = StatsFeed(self)
        self.facts: EngineFacts | None = None
        # Providers change status on worker threads: hand it to the loop, not to a signal.
        loop = asyncio.get_event_loop()

        def hand_over(status: ProviderStatus) -> None:
            loop.call_soon_threadsafe(self.provider_changed.emit, status)

        self._unsubscribe = [provider.on_status(hand_over)]

    @property
    def live(self) -> bool:
        return self.state is not None and self.state.connection.status is Connection.LIVE

    async def open(self, start_provider: bool = False) -> None:
        """Start the provider if asked, then follow the engine; raises EngineError."""
        if start_provider:
            await self.provider.start()
        self.bridge = EngineBridge(self.provider.endpoint)
        self.state = EngineState(self.bridge)
        self.stats.use(StatsWatch(self.bridge))
        self._unsubscribe += [
            self.state.on_changes(self._on_changes),
            self.state.on_connection(self._on_connection),
            self.bridge.operations.subscribe(self.operation_changed.emit),
        ]
        self.state.start()

    async def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self.stats.close()
        if self.state is not None:
            await self.state.stop()
        if self.bridge is not None:
            await self.bridge.close()

    async def perform(self, operation: Operation[T]) -> Operation[T]:
        if self.bridge is None:
            raise EngineError(ErrorKind.UNREACHABLE, "Not connected to an engine yet")
        return await self.bridge.perform(operation)

    def _on_changes(self, changes: Sequence[Change]) -> None:
        self.stats.forget(
            c.key for c in changes if c.resource == "container" and c.action == "remove"
        )
        self.resources_changed.emit(list(changes))

    def _on_connection(self, change: ConnectionChange) -> None:
        if change.status is Connection.LIVE and self.bridge is not None:
            self.facts = self.bridge.facts
            if self.facts is not None:
                self.facts_changed.emit(self.facts)
        self.connection_changed.emit(change)
