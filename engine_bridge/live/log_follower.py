"""LogFollower: one container's log, followed for as long as anyone looks, through stops,
restarts, lost connections and streams the engine ends or stalls on its own.

A followed stream can end, or stop sending, while the container still runs and writes: the
engine's own follow falls behind a slow reader under a burst (seen on 20.10), or the
connection drops. Then the log is read again from the last line's timestamp (LogPosition),
so a view fed from here never silently holds fewer lines than the engine. No Qt: a view
consumes `items()` and says what the notes mean.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine_bridge.dto import parse_time
from engine_bridge.errors import EngineError
from engine_bridge.live.logs import container_log
from engine_bridge.resources.containers import inspect_container
from engine_bridge.streams import log_lines
from engine_bridge.streams.log_lines import LogLine, LogPosition

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge
    from engine_bridge.live.reader import StreamReader

log = logging.getLogger(__name__)


class Happening(enum.Enum):
    """What a followed log went through, for the view to say."""

    STOPPED = "stopped"  # the container stopped; the log goes on when it starts again
    STARTED = "started"  # ...and it did
    RESTARTED = "restarted"  # it stopped and started again between two reads
    ENGINE_LOST = "engine-lost"  # the engine cannot be used; the log goes on when it can
    ENGINE_BACK = "engine-back"
    FAILED = "failed"  # the engine refused the log: following ends


@dataclass(frozen=True)
class LogNote:
    """A happening, with the engine's error where there is one."""

    happening: Happening
    error: EngineError | None = None


class LogFollower:
    """Follows a container's log. `items()` yields batches of new lines and LogNotes.

    `tail` applies to the first read; `since` (the engine's form) to every read until a line
    came; `last` is the timestamp of a line already shown (reading goes on after it).
    `stall_check` is how many seconds the stream may say nothing before the engine is asked
    whether it holds more; `started_at` the container's start, when known, to tell a
    restart from a stream that merely ended.
    """

    batch_pieces = 2000  # pieces of the response taken in one batch

    def __init__(
        self,
        bridge: EngineBridge,
        container_id: str,
        *,
        tty: bool,
        follow: bool = True,
        tail: int | None = None,
        since: str | None = None,
        last: str = "",
        source: str = "",
        started_at: datetime | None = None,
        stall_check: float = 5.0,
    ) -> None:
        self.bridge = bridge
        self.container_id = container_id
        self.tty = tty
        self.follow = follow
        self.tail = tail
        self.since = since
        self.source = source
        self.started_at = started_at
        self.stall_check = stall_check
        self.position = LogPosition(last)
        self._first = not last
        self._started = asyncio.Event()

    def container_started(self) -> None:
        """Tell a follower that waits for its stopped container that it runs again."""
        self._started.set()

    async def items(self) -> AsyncGenerator[list[LogLine] | LogNote, None]:
        resumed = 0.0
        while True:
            failed: EngineError | None = None
            try:
                # Closed here, whatever ends the loop: its stream is closed with it.
                async with contextlib.aclosing(self._read_once()) as reading:
                    async for lines in reading:
                        yield lines
            except EngineError as exc:
                failed = exc
            if not self.follow:
                if failed is not None:
                    yield LogNote(Happening.FAILED, failed)
                return
            # Until a line came, the first read's tail still applies.
            self._first = self._first and not self.position.stamp
            if failed is not None and failed.engine_unusable:
                yield LogNote(Happening.ENGINE_LOST, failed)
                await self._until_running()
                yield LogNote(Happening.ENGINE_BACK)
                continue
            running, restarted = await self._run_state()
            if restarted:
                yield LogNote(Happening.RESTARTED)
                continue
            if running:
                # Ended or stalled under a running container: read on from where it stopped.
                log.info("log stream of %s ended while it runs; reading on", self.container_id)
                now = asyncio.get_running_loop().time()
                if now - resumed < 1.0:
                    await asyncio.sleep(1.0)  # the engine ends it at once again: not too often
                resumed = now
                continue
            if failed is not None:
                yield LogNote(Happening.FAILED, failed)
                return
            yield LogNote(Happening.STOPPED)
            await self._until_running()
            yield LogNote(Happening.STARTED)

    async def _read_once(self) -> AsyncGenerator[list[LogLine], None]:
        """One request's worth of new lines (a followed one lasts until it ends)."""
        reader = container_log(
            self.bridge,
            self.container_id, tty=self.tty, follow=self.follow, source=self.source,
            tail=self.tail if self._first else None,
            since=self.position.resume() or self.since,
        )  # fmt: skip
        watch = asyncio.ensure_future(self._watch_for_stall(reader)) if self.follow else None
        try:
            async for batch in reader.batches(max_items=self.batch_pieces):
                lines = self.position.take([line for piece in batch for line in piece])
                if lines:
                    yield lines
        finally:
            if watch is not None:
                watch.cancel()
            await self.bridge.close_stream(reader)

    async def _watch_for_stall(self, reader: StreamReader[Any]) -> None:
        """While the stream says nothing for `stall_check` seconds, ask the engine whether it
        holds lines the stream has not brought; if so, end the stream so it is read again."""
        seen = (self.position.stamp, self.position.at_stamp)
        while True:
            await asyncio.sleep(self.stall_check)
            now = (self.position.stamp, self.position.at_stamp)
            if now != seen:
                seen = now
                continue
            try:
                more = await self._engine_has_more()
            except EngineError:
                continue  # the stream itself will say what is wrong
            if more:
                log.info("log stream of %s stalled; reading on", self.container_id)
                await self.bridge.close_stream(reader)
                return

    async def _engine_has_more(self) -> bool:
        """Whether the engine holds a line after the position."""
        stamp, known = self.position.stamp, self.position.at_stamp
        reader = container_log(
            self.bridge,
            self.container_id, tty=self.tty, follow=False, tail=known + 1,
            since=log_lines.since(stamp) if stamp else self.since,
        )  # fmt: skip
        lines: list[LogLine] = []
        try:
            async for batch in reader.batches():
                lines.extend(line for piece in batch for line in piece)
        finally:
            await self.bridge.close_stream(reader)
        return len(lines) > known or any(line.timestamp != stamp for line in lines)

    async def _run_state(self) -> tuple[bool, bool]:
        """Whether the container runs now, and whether it was started again since it was
        last seen running (or since the last line, when that start is not known)."""
        try:
            found = await inspect_container(self.bridge, self.container_id)
            state = found.get("State") or {}
        except EngineError:
            return False, False
        if not state.get("Running"):
            return False, False
        now, known = parse_time(state.get("StartedAt")), self.started_at
        self.started_at = now
        if known is not None:
            return True, now is not None and now != known
        last_line = parse_time(self.position.stamp) if self.position.stamp else None
        return True, now is not None and last_line is not None and now > last_line

    async def _until_running(self) -> None:
        """Wait until the engine answers and the container runs. `container_started()`
        wakes it at once; it also asks the engine itself, every second at first and then
        every five, since a start may have been told before this began to wait."""
        pause = 1.0
        while True:
            self._started.clear()
            running, _restarted = await self._run_state()
            if running:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._started.wait()
            pause = min(pause * 2, 5.0)
