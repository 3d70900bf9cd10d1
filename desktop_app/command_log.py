"""The command log: every action Dockyard took, as the docker command that does the same, when
and how it ended; kept between launches (the newest `KEEP`), to copy, replay or export as a
shell script. No Qt."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine_bridge import Operation, OperationState, data_dir

KEEP = 2000

_OUTCOMES = {OperationState.SUCCEEDED: "done", OperationState.FAILED: "failed",
             OperationState.CANCELLED: "cancelled"}  # fmt: skip


def history_dir() -> Path:
    """Where the app keeps what it did: `DOCKYARD_HISTORY_DIR`, else its data folder."""
    configured = os.environ.get("DOCKYARD_HISTORY_DIR")
    return Path(configured) if configured else data_dir()


@dataclass(frozen=True)
class LoggedCommand:
    """One action: its docker command, when it ended, and how ("done", "failed" or
    "cancelled", with the error in words)."""

    when: float
    title: str
    command: str
    outcome: str
    detail: str = ""
    engine: str = ""

    @staticmethod
    def of(operation: Operation[Any], engine: str = "") -> LoggedCommand | None:
        """The entry for a finished operation (None while it runs)."""
        outcome = _OUTCOMES.get(operation.state)
        if outcome is None:
            return None
        detail = operation.error.in_words(hint=False) if operation.error else ""
        return LoggedCommand(operation.finished_at or time.time(), operation.title,
                             operation.command, outcome, detail, engine)  # fmt: skip


class CommandLog:
    """The log in `folder` (unless given, `history_dir()`), oldest entry first."""

    def __init__(self, folder: Path | None = None, keep: int = KEEP) -> None:
        self.path = (folder or history_dir()) / "commands.jsonl"
        self.keep = keep
        self._lines: int | None = None  # counted at the first add

    def entries(self) -> list[LoggedCommand]:
        found: list[LoggedCommand] = []
        with contextlib.suppress(FileNotFoundError):
            for line in self.path.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError, TypeError):
                    found.append(LoggedCommand(**json.loads(line)))
        return found[-self.keep :]

    def add(self, entry: LoggedCommand) -> None:
        """Append one entry; past a quarter more than `keep`, the oldest are dropped."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lines is None:
            try:
                self._lines = len(self.path.read_bytes().splitlines())
            except FileNotFoundError:
                self._lines = 0
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(entry)) + "\n")
        self._lines += 1
        if self._lines > self.keep * 5 // 4:
            lines = self.path.read_text(encoding="utf-8").splitlines()[-self.keep :]
            partial = self.path.with_suffix(".partial")
            partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
            partial.replace(self.path)
            self._lines = len(lines)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self._lines = 0


def as_script(entries: Iterable[LoggedCommand]) -> str:
    """A POSIX shell script that does the same again, oldest first; each command under a
    comment saying what it was and how it ended (failed ones are kept, marked)."""
    lines = ["#!/bin/sh", "# Docker commands from Dockyard's command log.", ""]
    for entry in entries:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.when))
        lines.append(f"# {stamp} · {entry.title} · {entry.outcome}")
        if entry.detail:
            lines.append(f"#   {' '.join(entry.detail.split())}")
        lines.append(entry.command)
        lines.append("")
    return "\n".join(lines)
