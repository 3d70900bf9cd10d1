"""What every list shows alike, as pure functions: columns, durations, times ago, sizes and
percentages. No Qt, no I/O. What one kind's rows show is in its pane's rows.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine_bridge.specs.sizes import binary_size, decimal_size


@dataclass(frozen=True)
class Column:
    """A list column: its title, width in pixels (0: takes the room left), whether its
    figures line up on the right, and what its header explains on hover."""

    title: str
    width: int = 0
    right: bool = False
    tip: str = ""


def counted(number: int, thing: str, things: str | None = None) -> str:
    """ "1 image", "3 images": a number with its noun, singular or plural."""
    return f"{number} {thing if number == 1 else things or thing + 's'}"


def duration(seconds: float) -> str:
    """A duration the way `docker ps` says it: "Less than a second", "3 minutes", "2 days"."""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return "Less than a second"
    if seconds < 60:
        return f"{int(seconds)} second{'s' if int(seconds) != 1 else ''}"
    minutes = seconds / 60
    if minutes < 60:
        n = int(minutes)
        return "About a minute" if n == 1 else f"{n} minutes"
    hours = minutes / 60
    if hours < 48:
        n = round(hours)
        return "About an hour" if n == 1 else f"{n} hours"
    days = hours / 24
    if days < 14:
        return f"{int(days)} days"
    if days < 60:
        return f"{int(days / 7)} weeks"
    if days < 365 * 2:
        return f"{int(days / 30)} months"
    return f"{int(days / 365)} years"


def ago(moment: datetime | None, now: datetime) -> str:
    """ "3 minutes ago", or "" when the moment is unknown."""
    if moment is None:
        return ""
    return f"{duration((now - moment).total_seconds())} ago"


def percent(value: float) -> str:
    """A percentage as `docker stats` shows it: "12.34%"."""
    return f"{value:.2f}%"


__all__ = ["binary_size", "decimal_size"]  # written here for the UI, made in specs/sizes
