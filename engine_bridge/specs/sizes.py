"""Sizes and CPU counts: `--memory 512m`, `--cpus 1.5`; and sizes written for people."""

from __future__ import annotations

import re

from engine_bridge.specs import SpecError

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([bkmgtp]?)(?:i?b)?", re.IGNORECASE)
MIN_MEMORY = 6 * 1024 * 1024  # the engine refuses less


def parse_memory(text: str) -> int:
    """A memory size in bytes, from "512m", "1g", "1.5g" or a plain number of bytes."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise SpecError(
            f"'{text}' is not a size. Write a number with b, k, m or g after it, e.g. 512m."
        )
    number, unit = match.groups()
    size = int(float(number) * _UNITS[unit.lower()])
    if size < MIN_MEMORY:
        raise SpecError(f"'{text}' is below the engine's minimum memory limit, 6m.")
    return size


def render_memory(size: int) -> str:
    """The shortest exact form of a size: 536870912 -> "512m"."""
    for unit in ("g", "m", "k"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


def parse_cpus(text: str, available: int | None = None) -> float:
    """A number of CPUs such as "1.5"; at most `available` when that is known."""
    try:
        cpus = float(text.strip())
    except ValueError:
        raise SpecError(f"'{text}' is not a number of CPUs: write 0.5, 1 or 2.5, say.") from None
    if not cpus > 0 or cpus != cpus or cpus == float("inf"):
        raise SpecError("The number of CPUs must be more than 0.")
    if round(cpus * 1e9) < 1:
        raise SpecError(f"'{text}' is too small a share of a CPU.")
    if available is not None and cpus > available:
        raise SpecError(f"This engine has {available} CPUs; {cpus:g} is more than that.")
    return cpus


def binary_size(size: float) -> str:
    """Bytes in powers of 1024 to 4 digits, as `docker stats` shows memory: "41.23MiB"."""
    return _scaled(size, 1024.0, ("B", "KiB", "MiB", "GiB", "TiB", "PiB"), 4)


def decimal_size(size: float) -> str:
    """Bytes in powers of 1000 to 3 digits, as `docker images` and the I/O columns of
    `docker stats` show them: "1.5MB", "2MB"."""
    return _scaled(size, 1000.0, ("B", "kB", "MB", "GB", "TB", "PB"), 3)


def _scaled(size: float, step: float, units: tuple[str, ...], digits: int) -> str:
    unit = 0
    while abs(size) >= step and unit < len(units) - 1:
        size /= step
        unit += 1
    if unit == 0:
        return f"{size:.0f}{units[0]}"
    # Rounding can need one digit more than there is (999.9kB to 3 digits would read
    # "1e+03kB"): say it in the next unit instead, 1MB.
    if abs(float(f"{size:.{digits}g}")) >= 10**digits and unit < len(units) - 1:
        size /= step
        unit += 1
    return f"{size:.{digits}g}{units[unit]}"
