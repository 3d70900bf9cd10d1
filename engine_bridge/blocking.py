"""The one way the bridge runs blocking work: on daemon threads, awaited from the loop.

A call to an engine that accepts connections and never answers can block for as long as
the SDK's timeout. Python joins the threads of `concurrent.futures.ThreadPoolExecutor` (and
qasync's default executor) when the process ends, so one such call would keep Dockyard alive
long after the user quit. `EnginePool` runs work on daemon threads instead: closing it drops
what waits, and a call still stuck in a socket is abandoned, never waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_Work = tuple[Future[Any], Callable[[], Any]]
_STOP = None


class EnginePool(Executor):
    """At most `max_workers` daemon threads, made as work arrives, that run submitted calls
    in order. `shutdown()` never waits for a call that is stuck (unless asked to)."""

    def __init__(self, max_workers: int, name: str) -> None:
        self._max_workers = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for work
        self._waiting = 0  # work that no thread has taken yet
        self._lock = threading.Lock()
        self._shut = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._shut:
                raise RuntimeError(f"{self._name} is closed")
            self._queue.put((future, functools.partial(fn, *args, **kwargs)))
            self._waiting += 1
            # A thread more only when the threads waiting for work cannot take all of it.
            if self._idle < self._waiting and len(self._threads) < self._max_workers:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        return future

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            item = self._queue.get()
            with self._lock:
                self._idle -= 1
                if item is _STOP:
                    return
                self._waiting -= 1
            future, call = item
            if future.set_running_or_notify_cancel():
                try:
                    result = call()
                except BaseException as exc:  # handed to whoever awaits the future
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del item, future, call

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shut = True
            threads = list(self._threads)
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while True:
                    item = self._queue.get_nowait()
                    if item is not _STOP:
                        item[0].cancel()
        for _ in threads:
            self._queue.put(_STOP)
        if wait:
            for thread in threads:
                thread.join()


def _own_thread(call: Callable[[], T], future: Future[T]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = call()
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)


class _ThreadPerCall(Executor):
    """Each call on a daemon thread of its own: for work that may take minutes, such as a
    pull, or waiting for an engine to start, which must not hold up other work."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        call = functools.partial(fn, *args, **kwargs)
        name = f"long:{getattr(fn, '__name__', 'call')}"
        threading.Thread(target=_own_thread, args=(call, future), name=name, daemon=True).start()
        return future


_LONG_WORK = _ThreadPerCall()


async def run_blocking(
    executor: Executor | None, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `fn` on `executor` without blocking the loop; None: on a daemon thread of its own
    (never the loop's default executor, whose threads the process waits for at exit)."""
    loop = asyncio.get_running_loop()
    pool = _LONG_WORK if executor is None else executor
    return await loop.run_in_executor(pool, functools.partial(fn, *args, **kwargs))
