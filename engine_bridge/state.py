"""The live state of one engine: lists everything once, then follows its /events stream.

Each event names one object; only that object is fetched again (or removed), and events
that arrive together are coalesced. Subscribers hear row-level changes (insert, change,
remove), in batches, and every change of the connection. When the engine goes away the
store says so, retries with backoff, and on reconnecting lists everything again, since no
event will say what changed while it was away.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from engine_bridge.bridge import EngineBridge
from engine_bridge.errors import EngineError, ErrorKind, unreachable
from engine_bridge.resources import KINDS, Item, Kind

log = logging.getLogger(__name__)

Action = Literal["insert", "change", "remove"]


@dataclass(frozen=True)
class Change:
    """One row-level change: `item` is the new value, or the old one for a removal;
    `resource` the kind's name ("container", "image", ...)."""

    resource: str
    action: Action
    key: str
    item: Item


class Connection(enum.Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    LOST = "lost"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ConnectionChange:
    """The connection's new status; `error` and `retry_in` (seconds) when it is lost."""

    status: Connection
    error: EngineError | None = None
    retry_in: float | None = None


ChangeListener = Callable[[Sequence[Change]], None]
ConnectionListener = Callable[[ConnectionChange], None]


class EngineState:
    """A live snapshot of one engine: the objects of every kind in `kinds` (the table in
    engine_bridge.resources), kept up to date from the engine's events.

    Attributes: `connection`, `resyncs`; `of(kind)` gives a kind's objects by key.
    `debounce` (seconds) is how long events are gathered before the objects they name are
    fetched; `backoff` the waits between reconnection attempts.
    """

    def __init__(
        self,
        bridge: EngineBridge,
        *,
        kinds: Sequence[Kind] = KINDS,
        debounce: float = 0.03,
        backoff: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
    ) -> None:
        self.bridge = bridge
        self.kinds = {kind.name: kind for kind in kinds}
        self._items: dict[str, dict[str, Item]] = {kind.name: {} for kind in kinds}
        self.connection = ConnectionChange(Connection.STOPPED)
        self.resyncs = 0
        self._debounce = debounce
        self._backoff = tuple(backoff)
        self._change_listeners: list[ChangeListener] = []
        self._connection_listeners: list[ConnectionListener] = []
        self._pending: dict[str, set[str]] = {}
        self._task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._details_task: asyncio.Task[None] | None = None
        self._live = asyncio.Event()
        self._retry: asyncio.Future[None] | None = None  # the pause before a reconnect

    def of(self, kind: str) -> dict[str, Item]:
        """The objects of one kind ("container", "image", ...) by key, as last known."""
        return self._items[kind]

    # --- subscribing ------------------------------------------------------------------

    def on_changes(self, listener: ChangeListener) -> Callable[[], None]:
        self._change_listeners.append(listener)
        return lambda: self._change_listeners.remove(listener)

    def on_connection(self, listener: ConnectionListener) -> Callable[[], None]:
        self._connection_listeners.append(listener)
        return lambda: self._connection_listeners.remove(listener)

    # --- running ----------------------------------------------------------------------

    def start(self) -> None:
        """Start following the engine; call from the event loop."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._follow(), name="engine-state")

    async def wait_live(self) -> None:
        """Wait until the lists are loaded and events are followed."""
        await self._live.wait()

    def retry_now(self) -> None:
        """Try to reconnect at once instead of after the backoff (the engine was started)."""
        if self._retry is not None and not self._retry.done():
            self._retry.set_result(None)

    async def stop(self) -> None:
        for task in (self._task, self._flush_task, self._details_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._flush_task = self._details_task = None
        self._set_connection(ConnectionChange(Connection.STOPPED))

    async def _follow(self) -> None:
        attempt = 0
        while True:
            events = None
            try:
                self._set_connection(ConnectionChange(Connection.CONNECTING))
                await self.bridge.ensure_client()
                # Facts (docker info is slow) are read while the lists load.
                facts = asyncio.create_task(self.bridge.refresh_facts())
                events = self.bridge.events()
                try:
                    await events.opened()
                    await self.resync()
                    await facts
                except BaseException:
                    # Stopped or failed half-way: the facts are not waited for (an engine
                    # that took the connection and never answers would hold the stop for
                    # as long as the client's timeout).
                    facts.cancel()
                    await asyncio.gather(facts, return_exceptions=True)
                    raise
                attempt = 0
                self._set_connection(ConnectionChange(Connection.LIVE))
                # Details come after the lists are shown: they are not needed to show them.
                self._details_task = asyncio.create_task(self._add_details(), name="details")
                async for batch in events.batches():
                    self._note_events(batch)
                raise unreachable(None, self.bridge.endpoint)
            except EngineError as exc:
                if exc.kind is ErrorKind.UNREACHABLE and not exc.message:
                    exc.message = "The engine closed its event stream."
                delay = self._backoff[min(attempt, len(self._backoff) - 1)]
                attempt += 1
                log.info(
                    "engine %s lost: %s; retrying in %.2fs", self.bridge.endpoint.name, exc, delay
                )
                self._set_connection(ConnectionChange(Connection.LOST, exc, delay))
                if events is not None:
                    await self.bridge.close_stream(events)
                    events = None
                await self.bridge.disconnect()
                await self._pause(delay)
            finally:
                for task in (self._flush_task, self._details_task):
                    if task is not None:
                        task.cancel()
                self._pending.clear()
                if events is not None:
                    await self.bridge.close_stream(events)

    async def _pause(self, delay: float) -> None:
        """Wait `delay` seconds, or less if retry_now() is called. A plain future, not
        wait_for(): a stop must cancel the pause at once (Python 3.11's wait_for could sit
        on a cancellation, and a switch of engine waited for ever)."""
        loop = asyncio.get_running_loop()
        pause: asyncio.Future[None] = loop.create_future()
        self._retry = pause

        def end() -> None:
            if not pause.done():
                pause.set_result(None)

        timer = loop.call_later(delay, end)
        try:
            await pause
        finally:
            timer.cancel()
            self._retry = None

    def _set_connection(self, change: ConnectionChange) -> None:
        self.connection = change
        if change.status is Connection.LIVE:
            self._live.set()
        else:
            self._live.clear()
        for listener in list(self._connection_listeners):
            listener(change)

    def _emit(self, changes: Sequence[Change]) -> None:
        if not changes:
            return
        for listener in list(self._change_listeners):
            listener(changes)

    # --- full resynchronisation -------------------------------------------------------

    async def resync(self) -> None:
        """List everything and report what differs from what the store holds, kind by kind
        as each list arrives: a long list of images does not hold up the containers'."""
        lists = [asyncio.ensure_future(self._relist(kind)) for kind in self.kinds.values()]
        try:
            await asyncio.gather(*lists)
        finally:
            for unfinished in lists:  # one failed: the others are not waited for
                unfinished.cancel()
        self.resyncs += 1

    async def _relist(self, kind: Kind) -> None:
        items = await kind.list_all(self.bridge)
        store = self._items[kind.name]
        fresh = {kind.key(item): item for item in items}
        if kind.keep is not None:
            keep = kind.keep
            fresh = {k: keep(store[k], v) if k in store else v for k, v in fresh.items()}
        self._emit(_diff(kind.name, store, fresh))

    async def _add_details(self) -> None:
        """Fetch, in the background, what each object's list entry lacks (kinds that have
        details: a container's inspect data)."""
        batch: list[Change] = []
        for kind in self.kinds.values():
            if kind.details is None:
                continue
            store = self._items[kind.name]
            for key in list(store):
                if key not in store:
                    continue  # gone since the list
                try:
                    fresh = await kind.details(self.bridge, key)
                except EngineError as exc:
                    log.debug("details of %s %s: %s", kind.name, key, exc)
                    continue
                if key not in store:
                    continue  # removed while its details were read: not brought back
                batch.extend(_put(kind.name, store, key, fresh))
                if len(batch) >= 50:
                    self._emit(_still_there(batch, self._items))
                    batch = []
        self._emit(_still_there(batch, self._items))

    # --- events -----------------------------------------------------------------------

    def _note_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        for event in events:
            kind = self.kinds.get(str(event.get("Type", "")))
            if kind is None:
                continue
            action = str(event.get("Action", "")).split(":", 1)[0]
            if action in kind.quiet_actions:
                continue
            key = str((event.get("Actor") or {}).get("ID", "")) if kind.fetch else "*"
            if key:
                self._pending.setdefault(kind.name, set()).add(key)
        if self._pending and (self._flush_task is None or self._flush_task.done()):
            self._flush_task = asyncio.create_task(self._flush(), name="engine-state-flush")

    async def _flush(self) -> None:
        while self._pending:
            await asyncio.sleep(self._debounce)
            pending, self._pending = self._pending, {}
            changes: list[Change] = []
            for name, keys in pending.items():
                try:
                    changes.extend(await self._refresh(self.kinds[name], keys))
                except EngineError as exc:
                    if exc.engine_unusable:
                        return  # the events stream ends too, and a resync follows
                    log.warning("could not refresh %s %s: %s", name, sorted(keys), exc)
            self._emit(changes)

    async def _refresh(self, kind: Kind, keys: set[str]) -> list[Change]:
        store = self._items[kind.name]
        if kind.fetch is None:
            items = await kind.list_all(self.bridge)
            return _diff(kind.name, store, {kind.key(item): item for item in items})
        fetch = kind.fetch
        ordered = sorted(keys)
        found = await asyncio.gather(*(fetch(self.bridge, key) for key in ordered))
        return [
            c for k, f in zip(ordered, found, strict=True) for c in _put(kind.name, store, k, f)
        ]


def _still_there(changes: list[Change], items: dict[str, dict[str, Item]]) -> list[Change]:
    """Changes gathered a while ago, without those of objects removed since (telling of a
    change to one would bring it back)."""
    return [c for c in changes if c.action == "remove" or c.key in items[c.resource]]


def _put(resource: str, store: dict[str, Item], key: str, fresh: Item | None) -> list[Change]:
    """Store one fetched object (None: it is gone) and say what changed."""
    old = store.get(key)
    if fresh is None:
        if old is None:
            return []
        del store[key]
        return [Change(resource, "remove", key, old)]
    store[key] = fresh
    if old is None:
        return [Change(resource, "insert", key, fresh)]
    return [] if old == fresh else [Change(resource, "change", key, fresh)]


def _diff(resource: str, store: dict[str, Item], fresh: dict[str, Item]) -> list[Change]:
    """Make `store` equal `fresh`, and say row by row what that changed."""
    changes = [
        c for key in list(store) if key not in fresh for c in _put(resource, store, key, None)
    ]
    for key, item in fresh.items():
        changes.extend(_put(resource, store, key, item))
    return changes
