"""What the app reads from resources/: the texts that explain Docker to learners."""

from __future__ import annotations

import functools
import json
import re
import shlex
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(
        (RESOURCES / "learning.json").read_text(encoding="utf-8")
    )
    return data


#: The concepts a learner meets, in the order the Learn pane lists them.
CONCEPTS = ("concept.image-container", "concept.layers-cache", "concept.tags-digests",
            "concept.entrypoint-cmd", "concept.ports", "concept.volumes-binds",
            "concept.restart", "concept.networks", "concept.compose")  # fmt: skip


def text(topic: str, part: str = "body") -> str:
    """One part ("title", "body", ...) of a topic, e.g. text("containers.empty", "title")."""
    return _texts()[topic][part]


@functools.cache
def _flags() -> dict[str, dict[str, dict[str, object]]]:
    data: dict[str, dict[str, dict[str, object]]] = json.loads(
        (RESOURCES / "docker_flags.json").read_text(encoding="utf-8")
    )
    return data


#: docker commands whose second word names what they do (docker image prune).
_GROUPS = ("image", "volume", "network", "builder", "context", "container", "system")


def explain_command(command: str) -> list[tuple[str, str]]:
    """Each option of a docker command, with its value, and what it does in one line:
    [("-p 8080:80", "Publish a port: ..."), ...]. Options not known here are left out."""
    try:
        words = shlex.split(command)
    except ValueError:
        return []
    said: list[tuple[str, str]] = []
    steps: list[list[str]] = [[]]
    for word in words:
        if word == "&&":
            steps.append([])
        else:
            steps[-1].append(word)
    for step in steps:
        if step[:1] != ["docker"] or len(step) < 2:
            continue
        verb = step[1]
        if verb in _GROUPS and len(step) > 2:
            verb = f"{verb} {step[2]}"
        verb = {"create": "run", "container run": "run", "container create": "run"}.get(verb, verb)
        table = {**_flags()["*"], **_flags().get(verb, {})}
        rest = iter(step[2:])
        for word in rest:
            if re.fullmatch(r"-[a-zA-Z]{2,}", word) and word not in table:  # -it: -i and -t
                said += [(f"-{letter}", str(table[f"-{letter}"]["words"]))
                         for letter in word[1:] if f"-{letter}" in table]  # fmt: skip
                continue
            flag, _, inline = word.partition("=")
            known = table.get(flag)
            if not word.startswith("-") or known is None:
                continue
            value = inline or (next(rest, "") if known["value"] else "")
            said.append((f"{flag} {value}".strip(), str(known["words"])))
    return said
