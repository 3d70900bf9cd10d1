"""The asyncio loop on Qt's event loop, made to hold up under heavy streams.

qasync starts one Qt timer for every callback, and hands work from other threads over by
emitting a Qt signal from that thread. This loop runs every callback that is ready from a
single timer event, the way asyncio's own loop runs its ready queue, and takes callbacks
from other threads through a pipe the loop watches: no Qt signal is emitted off the main
thread, a path on which PySide6 has had reference-counting bugs (PYSIDE-3124).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from contextvars import Context
from typing import Any

from qasync import QEventLoop

#: Seconds a thread may hold the GIL while another waits for it (Python's default: 0.005).
SWITCH_INTERVAL = 0.0002

_Handoff = tuple[Callable[..., object], tuple[Any, ...], Context | None]


class DockyardEventLoop(QEventLoop):  # type: ignore[misc]  # qasync has no type information
    """A qasync loop whose call_soon_threadsafe() is safe from any thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready: collections.deque[asyncio.Handle] = collections.deque()
        self._ready_scheduled = False
        super().__init__(*args, **kwargs)
        self._from_threads: collections.deque[_Handoff] = collections.deque()
        self._wake_read, self._wake_write = os.pipe()
        self._wakes_on_signals = False
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.add_reader(self._wake_read, self._take_from_threads)
        # Painting a list calls back into Python for every cell, and each call takes the
        # GIL again. A stream thread busy decoding would make each of those wait up to
        # the interpreter's switch interval (5 ms): a paint of a few hundred calls then
        # stalls for tens of milliseconds. The UI thread gets the GIL back sooner.
        sys.setswitchinterval(SWITCH_INTERVAL)

    def call_soon(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context=context)
        self._ready.append(handle)
        if not self._ready_scheduled:
            self._ready_scheduled = True
            super().call_soon(self._run_ready)
        return handle

    def _run_ready(self) -> None:
        self._ready_scheduled = False
        # Only what is ready now; what these callbacks schedule runs on the next turn.
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()

    def call_soon_threadsafe(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> None:
        self._from_threads.append((callback, args, context))
        with contextlib.suppress(BlockingIOError, OSError):  # full pipe: a wake-up is pending
            os.write(self._wake_write, b"\0")

    def _take_from_threads(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.read(self._wake_read, 65536)
        while self._from_threads:
            callback, args, context = self._from_threads.popleft()
            self.call_soon(callback, *args, context=context)

    def wake_on_signals(self) -> None:
        """Wake the loop when a signal arrives, so that Python's handler runs at once even
        while Qt sleeps in its own event wait."""
        signal.set_wakeup_fd(self._wake_write, warn_on_full_buffer=False)
        self._wakes_on_signals = True

    def close(self) -> None:
        if self._wake_read >= 0:
            if self._wakes_on_signals:
                signal.set_wakeup_fd(-1)
            self.remove_reader(self._wake_read)
            os.close(self._wake_read)
            os.close(self._wake_write)
            self._wake_read = self._wake_write = -1
        super().close()
