"""Environment variables and labels: `-e KEY=VALUE`, `--env-file`, `--label KEY=VALUE`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine_bridge.specs import SpecError

_ENV_NAME = re.compile(r"[^=\s][^=]*")


def parse_env(text: str) -> tuple[str, str]:
    """Parse one `-e` value into (name, value). The value may be empty; the name may not."""
    name, sep, value = text.partition("=")
    if not sep:
        raise SpecError(f"'{text}' has no '='. Write NAME=value (an empty value is NAME=).")
    if not _ENV_NAME.fullmatch(name) or name != name.strip():
        raise SpecError(f"'{name}' is not a variable name: it must not be empty or contain spaces.")
    return name, value


def parse_env_file(
    content: str,
    source: str = "the env file",
    *,
    environ: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Variables from an env file, read as the docker CLI reads it: one NAME=value a line,
    '#' starts a comment line, a byte-order mark at the start is skipped, values are taken
    as written (quotes are not removed). A NAME alone takes its value from `environ` (the
    CLI's own environment; `notes` says so), and is refused when none is given.
    """
    found = []
    for number, raw in enumerate(content.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            raise SpecError(
                f"Line {number} of {source}, '{raw.strip()}', starts with 'export': an env file "
                "is not a shell script. Write NAME=value, without 'export'."
            )
        if "=" not in line:
            name = line.rstrip()
            if environ is None or not _ENV_NAME.fullmatch(name):
                raise SpecError(
                    f"Line {number} of {source}, '{raw.strip()}', has no '='. Write "
                    "NAME=value; a NAME alone copies it from this machine's environment."
                )
            if name in environ:
                found.append((name, environ[name]))
                if notes is not None:
                    notes.append(f"{name} in {source} takes its value from Dockyard's environment.")
            elif notes is not None:
                notes.append(
                    f"{name} in {source} is left out: it is not set in Dockyard's environment."
                )
            continue
        try:
            found.append(parse_env(line))
        except SpecError as exc:
            raise SpecError(f"Line {number} of {source}: {exc}") from None
    return found


def parse_label(text: str) -> tuple[str, str]:
    """Parse one `--label` value into (key, value)."""
    key, _, value = text.partition("=")
    key = key.strip()
    if not key:
        raise SpecError(f"'{text}' has no key. Write key=value, for example tier=web.")
    if any(ch.isspace() for ch in key):
        raise SpecError(f"The label key '{key}' contains a space.")
    return key, value
