"""The kinds of Docker object the app follows, as one table that EngineState reads.

A kind says how its objects are keyed, how to list them all, how to fetch one that an event
names (or that any event of the kind means listing them all again), which of its events
change nothing a list shows, and, where it has one, how to carry what was learned about an
object across a full resynchronisation and how to add details after the lists are shown.
A new kind is a module here and a line in KINDS; EngineState names none of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

Item = Any  # a kind's DTO: frozen, comparable, with the key the kind names


@dataclass(frozen=True)
class Kind:
    """One kind of object. `name` is what /events calls it ("container", "image", ...)."""

    name: str
    key: Callable[[Item], str]
    list_all: Callable[[EngineBridge], Awaitable[Sequence[Item]]]
    # One object by its key, None when it is gone; without it, any event of the kind means
    # listing them all again (image events name tags and digests as often as IDs).
    fetch: Callable[[EngineBridge, str], Awaitable[Item | None]] | None = None
    quiet_actions: frozenset[str] = frozenset()
    # What a fresh listing keeps from the object it replaces (details a list lacks).
    keep: Callable[[Item, Item], Item] | None = None
    # Details fetched for one object after the lists are shown; None when it is gone.
    details: Callable[[EngineBridge, str], Awaitable[Item | None]] | None = None


def _kinds() -> tuple[Kind, ...]:
    from engine_bridge.resources import containers, images, networks, volumes

    return (containers.KIND, images.KIND, volumes.KIND, networks.KIND)


KINDS: tuple[Kind, ...] = _kinds()
