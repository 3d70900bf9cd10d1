"""The engine's pool of daemon threads: work runs in parallel up to the bound, a stuck call
holds up neither other work nor closing, and no thread keeps the process alive."""

from __future__ import annotations

import threading
import time

from engine_bridge.blocking import EnginePool


def test_a_stuck_call_holds_up_neither_other_work_nor_closing() -> None:
    pool = EnginePool(3, "test-pool")
    release = threading.Event()
    stuck = pool.submit(release.wait)
    results = [pool.submit(lambda n=n: n * 2) for n in range(20)]
    assert [f.result(timeout=5) for f in results] == [n * 2 for n in range(20)]
    assert not stuck.done()
    started = time.monotonic()
    pool.shutdown(wait=False, cancel_futures=True)
    assert time.monotonic() - started < 0.5
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("test-pool"))
    release.set()
    assert stuck.result(timeout=5) is True


def test_threads_are_made_only_as_work_needs_them() -> None:
    pool = EnginePool(4, "test-lazy")
    for _ in range(10):
        pool.submit(time.sleep, 0).result(timeout=5)
    # One call at a time never needs a second thread.
    assert len([t for t in threading.enumerate() if t.name.startswith("test-lazy")]) == 1
    gate = threading.Barrier(4)
    together = [pool.submit(gate.wait, 5) for _ in range(4)]
    assert all(f.exception(timeout=10) is None for f in together), "four ran at once"
    pool.shutdown()
    assert not [t for t in threading.enumerate() if t.name.startswith("test-lazy")]
