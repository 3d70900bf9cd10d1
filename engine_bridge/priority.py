"""Other processes run at a lower priority than the app, so the window stays responsive.

On a machine with few CPUs the window competes with the engine and the tools the app starts
for CPU time. Linux weighs processes in two steps: first between scheduler groups, one per
session where it groups by session ("autogroups", on by default on many desktops), then
between the processes of a group by their nice values. So a process in a session of its own
is lowered through its group's nice value as well as its own; a nice value alone would weigh
it only against itself. Lowering one's own processes needs no privilege; where a platform
has neither, nothing changes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def lower(pid: int, niceness: int, *, process: bool = True, group: bool = False) -> None:
    """Run `pid` `niceness` steps below the app: its own nice value (`process`, inherited
    by whatever it starts), and its session's scheduler group (`group`, which covers every
    process of that session and no new session started from it)."""
    if process:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
    if group:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/autogroup").write_text(str(niceness))
