"""Background tasks are never lost: a failure is reported at once, a cancellation is not a
failure, and starting the latest task cancels the one before."""

from __future__ import annotations

import asyncio
from types import TracebackType

import pytest

from desktop_app.tasks import LatestTask, spawn


def test_a_failure_is_reported_and_a_cancellation_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[BaseException] = []

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        reported.append(error)

    monkeypatch.setattr("sys.excepthook", hook)

    async def fail() -> None:
        raise ValueError("broken")

    async def scenario() -> None:
        spawn(fail())
        waiting = spawn(asyncio.sleep(10))
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert [str(e) for e in reported] == ["broken"]


def test_the_latest_task_wins() -> None:
    async def scenario() -> list[str]:
        done: list[str] = []
        latest = LatestTask("details")

        async def load(what: str) -> None:
            await asyncio.sleep(0.02)
            done.append(what)

        first = latest.start(load("first"))
        latest.start(load("second"))
        await asyncio.sleep(0.05)
        assert first.cancelled()
        assert not latest.running
        return done

    assert asyncio.run(scenario()) == ["second"]
