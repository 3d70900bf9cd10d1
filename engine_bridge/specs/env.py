"""Environment variables and labels: `-e KEY=VALUE`, `--env-file`, `--label KEY=VALUE`."""

from __future__ import annotations

import re

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


def parse_env_file(content: str, source: str = "the env file") -> list[tuple[str, str]]:
    """Variables from an env file: one NAME=value a line; '#' starts a comment line.

    Like the docker CLI, values are taken as written: quotes are not removed.
    """
    found = []
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise SpecError(
                f"Line {number} of {source}, '{raw.strip()}', has no '='. Write NAME=value; "
                "a NAME alone would copy it from this machine's environment."
            )
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
