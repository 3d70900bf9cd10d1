"""Keeping the process's memory from creeping up over a long session, on glibc (Linux).

Measured over 100 engine reconnects (`python -m tests.bench reconnect`): Python objects, Qt
objects, sockets, threads and the memory malloc holds in use stay flat, yet the resident
size grew by 11-25 KiB a reconnect. The growth is memory malloc keeps after it was freed:
every stream is read on a thread of its own, and each reconnect opens new streams. Two
settings halve it or better (the benchmark's figures are in the note of the change):

- a fixed mmap threshold: glibc otherwise raises it after the first large free, and from
  then on serves the streams' 64-256 KiB read buffers from its heaps, which they fragment;
- giving free pages back to the system after a reconnect (`malloc_trim`), once the lists
  are in again.

Elsewhere (macOS, Windows, musl) both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018  (present only in glibc)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def settle_malloc() -> None:
    """Fix the mmap threshold; call once, at start-up."""
    if _LIBC is not None and not _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        log.debug("mallopt(M_MMAP_THRESHOLD) was refused")


def give_back_free_memory() -> None:
    """Return the pages malloc holds free to the system (a few milliseconds)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
