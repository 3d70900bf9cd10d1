"""What people type to make a volume: its name, driver options and labels. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

# The engine's rule for names of volumes (and containers): a letter or digit, then letters,
# digits, underscores, dots and dashes.
_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")


def volume_name_problem(name: str) -> str | None:
    """Why `name` cannot name a volume, or None. Empty is fine: the engine picks one."""
    if not name:
        return None
    if len(name) < 2:
        return "A volume name needs at least two characters."
    if not _NAME.fullmatch(name):
        return ("A volume name starts with a letter or digit, followed by letters, digits, "
                "'_', '.' or '-' (no spaces or slashes).")  # fmt: skip
    return None


def key_values(lines: Sequence[str], what: str) -> tuple[dict[str, str], dict[int, str]]:
    """`KEY=value` lines (a bare KEY means an empty value) as a mapping, and per line
    number what is wrong with it; blank lines are skipped."""
    found: dict[str, str] = {}
    problems: dict[int, str] = {}
    for number, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        key, _, value = text.partition("=")
        key = key.strip()
        if not key or " " in key:
            problems[number] = f"A {what} is KEY=value, with no spaces in KEY."
        elif key in found:
            problems[number] = f"The {what} {key} is given twice."
        else:
            found[key] = value
    return found, problems
