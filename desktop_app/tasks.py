"""Background work on the event loop that is never lost: `spawn()` for work nobody awaits,
`LatestTask` for "the latest selection wins".

A task whose exception nobody retrieves is only noticed when it is garbage-collected, if at
all. Every task started here reports an unexpected exception at once through
`sys.excepthook` (the app's hook logs it and shows the first one; under pytest-qt the test
fails). Being cancelled is not a failure.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_running: set[asyncio.Task[Any]] = set()  # strong references: the loop keeps only weak ones


def spawn(work: Coroutine[Any, Any, T], name: str | None = None) -> asyncio.Task[T]:
    """Start `work` on the running loop; its failure is reported, never lost."""
    task = asyncio.ensure_future(work)
    if name:
        task.set_name(name)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        sys.excepthook(type(error), error, error.__traceback__)


class LatestTask:
    """At most one task at a time: starting one cancels the one before (a view that loads
    what the user just chose stops loading what they chose before)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.task: asyncio.Task[Any] | None = None

    def start(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        self.cancel()
        task = spawn(work, self.name)
        self.task = task
        return task

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.task = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()
