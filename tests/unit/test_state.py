"""EngineState's bookkeeping, driven by a table of kinds kept in memory: events coalesced
into one fetch per object, quiet and unknown events ignored, kinds without a fetch listed
again, a resync reporting row by row and keeping what a list lacks. (Against the real
engine: tests/bridge/test_events.py and test_reconnect.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine_bridge.resources import Kind
from engine_bridge.state import Change, EngineState


@dataclass(frozen=True)
class Thing:
    id: str
    state: str
    detail: str = ""


class Memory:
    """What a fake engine holds, and how often it was asked."""

    def __init__(self) -> None:
        self.things: dict[str, Thing] = {}
        self.notes: dict[str, str] = {}
        self.lists = 0
        self.fetches: list[str] = []

    async def list_all(self, _bridge: Any) -> Sequence[Thing]:
        self.lists += 1
        return list(self.things.values())

    async def fetch(self, _bridge: Any, key: str) -> Thing | None:
        self.fetches.append(key)
        return self.things.get(key)


def _state(memory: Memory, fetch: bool = True) -> tuple[EngineState, list[Change]]:
    kind = Kind(
        "thing",
        key=lambda t: str(t.id),
        list_all=memory.list_all,
        fetch=memory.fetch if fetch else None,
        quiet_actions=frozenset({"exec_start"}),
        keep=lambda old, fresh: replace(fresh, detail=old.detail),
    )
    state = EngineState(None, kinds=[kind], debounce=0.005)  # type: ignore[arg-type]
    heard: list[Change] = []
    state.on_changes(heard.extend)
    return state, heard


def _event(kind: str, action: str, key: str) -> dict[str, Any]:
    return {"Type": kind, "Action": action, "Actor": {"ID": key}}


async def _settled(state: EngineState) -> None:
    for _ in range(100):
        await asyncio.sleep(0.01)
        if state._flush_task is None or state._flush_task.done():
            return


def test_a_burst_of_events_is_one_fetch_per_object() -> None:
    async def scenario() -> None:
        memory = Memory()
        state, heard = _state(memory)
        memory.things["a"] = Thing("a", "running")
        state._note_events([_event("thing", "start", "a")] * 50 + [_event("thing", "die", "b")])
        await _settled(state)
        assert sorted(memory.fetches) == ["a", "b"]
        assert [(c.action, c.key) for c in heard] == [("insert", "a")]
        assert state.of("thing") == {"a": Thing("a", "running")}

    asyncio.run(scenario())


def test_quiet_and_unknown_events_fetch_nothing() -> None:
    async def scenario() -> None:
        memory = Memory()
        state, heard = _state(memory)
        state._note_events([_event("thing", "exec_start: sh", "a"), _event("plugin", "x", "p")])
        await _settled(state)
        assert memory.fetches == []
        assert heard == []

    asyncio.run(scenario())


def test_a_kind_without_fetch_is_listed_again_once() -> None:
    async def scenario() -> None:
        memory = Memory()
        state, heard = _state(memory, fetch=False)
        memory.things["a"] = Thing("a", "new")
        state._note_events([_event("thing", "tag", f"name:{n}") for n in range(20)])
        await _settled(state)
        assert memory.lists == 1
        assert [(c.action, c.key) for c in heard] == [("insert", "a")]

    asyncio.run(scenario())


def test_a_resync_reports_row_by_row_and_keeps_what_a_list_lacks() -> None:
    async def scenario() -> None:
        memory = Memory()
        state, heard = _state(memory)
        memory.things = {"a": Thing("a", "running"), "b": Thing("b", "exited")}
        await state.resync()
        state.of("thing")["a"] = Thing("a", "running", detail="inspected")
        heard.clear()
        memory.things = {"a": Thing("a", "exited"), "c": Thing("c", "created")}
        await state.resync()
        assert sorted((c.action, c.key) for c in heard) == [
            ("change", "a"), ("insert", "c"), ("remove", "b"),
        ]  # fmt: skip
        assert state.of("thing")["a"] == Thing("a", "exited", detail="inspected")
        assert state.resyncs == 2

    asyncio.run(scenario())


def test_a_resync_reports_each_kind_as_its_list_arrives() -> None:
    """A slow list (many images) does not hold up a quick one (the containers): each kind is
    reported as soon as its own list is in."""
    quick, slow = Memory(), Memory()
    quick.things = {"a": Thing("a", "running")}
    slow.things = {"b": Thing("b", "created")}
    release = asyncio.Event()

    async def slow_list(bridge: Any) -> Sequence[Thing]:
        await release.wait()
        return await slow.list_all(bridge)

    kinds = [Kind("quick", key=lambda t: str(t.id), list_all=quick.list_all),
             Kind("slow", key=lambda t: str(t.id), list_all=slow_list)]  # fmt: skip
    state = EngineState(None, kinds=kinds)  # type: ignore[arg-type]
    batches: list[list[str]] = []
    state.on_changes(lambda changes: batches.append([c.resource for c in changes]))

    async def scenario() -> None:
        resync = asyncio.ensure_future(state.resync())
        for _ in range(5):
            await asyncio.sleep(0)
        assert batches == [["quick"]]
        release.set()
        await resync
        assert batches == [["quick"], ["slow"]]

    asyncio.run(scenario())
