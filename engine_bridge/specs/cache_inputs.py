"""What each build step's cache entry depends on, and why a step ran when it came from the
cache the time before.

The classic builder takes a step from its cache when the step before it did, the instruction
is the same, the build arguments in effect are the same, and (for COPY and ADD) the files it
copies are the same. So for each step we keep: the instruction, the build arguments in effect
with their values, and a digest of each file a COPY or ADD takes from the context. Pure: the
digests are given by the caller.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine_bridge.specs.dockerfile import Dockerfile


@dataclass(frozen=True)
class StepInputs:
    """Step `number`'s instruction, the build arguments in effect, and the context files it
    copies with their digests."""

    number: int
    instruction: str
    args: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def copy_sources(keyword: str, arguments: str) -> list[str]:
    """The context paths a COPY or ADD takes (none for `--from=`, a stage's or image's
    files, and none for URLs)."""
    if keyword not in ("COPY", "ADD"):
        return []
    text = arguments.strip()
    if text.startswith("["):
        try:
            words = [str(w) for w in json.loads(text)]
        except ValueError:
            return []
    else:
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
    flags = [w for w in words if w.startswith("--")]
    if any(f.startswith("--from") for f in flags):
        return []
    paths = [w for w in words if not w.startswith("--")][:-1]  # the last is the destination
    return [p.lstrip("/") for p in paths if "://" not in p]


def files_of(sources: Sequence[str], sent: Sequence[str]) -> list[str]:
    """The files of the context (`sent`, relative paths) that `sources` name: a file, a
    folder and all under it, or a wildcard."""
    found = []
    for path in sent:
        for source in sources:
            source = source.rstrip("/") or "."
            if (
                source in (".", "")
                or path == source
                or path.startswith(source + "/")
                or (
                    fnmatch.fnmatchcase(path, source)
                    or fnmatch.fnmatchcase(path.split("/", 1)[0], source)
                )
            ):
                found.append(path)
                break
    return found


def step_inputs(
    dockerfile: Dockerfile, args: Mapping[str, str], digests: Mapping[str, str]
) -> list[StepInputs]:
    """Each step's inputs. `args` are the build arguments given; `digests` are the context's
    files (relative path -> digest), the ones the build sends."""
    found: list[StepInputs] = []
    global_args: dict[str, str] = {}
    in_effect: dict[str, str] = {}
    started = False
    for number, instruction in enumerate(dockerfile.instructions, start=1):
        if instruction.keyword == "FROM":
            started = True
            in_effect = {}
        if instruction.keyword == "ARG":
            for declared in (a for a in dockerfile.args if a.line == instruction.line):
                value = args.get(declared.name, declared.default)
                if not started:
                    global_args[declared.name] = value
                elif declared.name in args:
                    in_effect[declared.name] = args[declared.name]
                elif declared.has_default:
                    in_effect[declared.name] = declared.default
                else:  # a global ARG brought into the stage by name
                    in_effect[declared.name] = global_args.get(declared.name, "")
        sources = copy_sources(instruction.keyword, instruction.arguments)
        files = {p: digests[p] for p in files_of(sources, sorted(digests))} if sources else {}
        text = f"{instruction.keyword} {instruction.arguments}".strip()
        found.append(StepInputs(number, text, dict(in_effect), files))
    return found


def why_it_ran(
    step: int,
    now: Sequence[StepInputs],
    before: Sequence[StepInputs],
    ran_before: Sequence[int] = (),
    no_cache: bool = False,
) -> str:
    """Why step `step` ran this time although the same build's step came from the cache
    before: in words. `ran_before` are this build's steps that ran before `step`."""
    if no_cache:
        return "The build was asked to build every step anew (--no-cache)."
    first = min((n for n in ran_before if n < step), default=None)
    if first is not None:
        return (f"Step {first} ran before it, and a step after one that ran cannot come "
                "from the cache.")  # fmt: skip
    current = next((s for s in now if s.number == step), None)
    earlier = next((s for s in before if s.number == step), None)
    if current is None or earlier is None:
        return "The Dockerfile has changed shape since the last build: its steps differ."
    if current.instruction != earlier.instruction:
        return f"The instruction changed: it was {earlier.instruction!r}."
    changed_args = [
        f"{name} ({earlier.args.get(name, '(unset)')!s} → {value})"
        for name, value in sorted(current.args.items())
        if earlier.args.get(name) != value
    ]
    if changed_args:
        return "A build argument in effect changed: " + ", ".join(changed_args) + "."
    changed_files = sorted(
        path for path in set(current.files) | set(earlier.files)
        if current.files.get(path) != earlier.files.get(path)
    )  # fmt: skip
    if changed_files:
        shown = ", ".join(changed_files[:5]) + (" …" if len(changed_files) > 5 else "")
        return f"Files it copies changed: {shown}."
    return (
        "Its inputs are the same as last time: the cache no longer held the layer (it was "
        "pruned, or the base image was pulled anew)."
    )
