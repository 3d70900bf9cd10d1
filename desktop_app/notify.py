"""The one place where an outcome, or an EngineError, becomes words and a tone.

Panes show a Notice in their message line, the window in its status bar; both colour it by
its tone (desktop_app.theme). No Qt here: what is said is worked out apart from where."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from engine_bridge import EngineError, ErrorKind, Operation, OperationState


class Tone(enum.Enum):
    GOOD = "good"
    BAD = "bad"
    INFO = "info"
    BUSY = "busy"


@dataclass(frozen=True)
class Notice:
    words: str
    tone: Tone = Tone.INFO


def of_error(error: EngineError, hint: bool = True) -> Notice:
    """An engine error in words: its title, the engine's message and what to do."""
    if error.kind is ErrorKind.CANCELLED:
        return Notice(error.message or error.title, Tone.INFO)
    return Notice(error.in_words(hint=hint), Tone.BAD)


def of_operation(operation: Operation[Any], done: str = "") -> Notice:
    """How an operation went: `done` (or "<title>: done.") when it succeeded."""
    state = operation.state
    if state is OperationState.SUCCEEDED:
        return Notice(done or f"{operation.title}: done.", Tone.GOOD)
    if state is OperationState.CANCELLED:
        return Notice(f"{operation.title}: cancelled.", Tone.INFO)
    if state is OperationState.FAILED and operation.error is not None:
        return of_error(operation.error)
    return Notice(f"{operation.title}…", Tone.BUSY)


def good(words: str) -> Notice:
    return Notice(words, Tone.GOOD)


def bad(words: str) -> Notice:
    return Notice(words, Tone.BAD)


def busy(words: str) -> Notice:
    return Notice(words, Tone.BUSY)
