"""What a build context holds once `.dockerignore` has had its say: how many files, how many
bytes, and the biggest, so people see why a build is slow to start before it is sent."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass

from engine_bridge import sdk
from engine_bridge.specs.build_spec import BuildSpec
from engine_bridge.specs.cache_inputs import StepInputs, copy_sources, files_of, step_inputs
from engine_bridge.specs.dockerfile import parse

BIGGEST = 8  # how many of the biggest files a summary names


@dataclass(frozen=True)
class ContextSummary:
    """`files` (sent), `size` (their bytes), `biggest` ((path, bytes), biggest first),
    `left_out` (files `.dockerignore` kept back), `has_dockerfile`."""

    files: int
    size: int
    biggest: tuple[tuple[str, int], ...]
    left_out: int
    has_dockerfile: bool


def summarise_context(spec: BuildSpec) -> ContextSummary:
    """Walk the context as a build would send it (blocking: run it off the UI thread)."""
    root = os.path.abspath(spec.context)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"There is no folder {spec.context}")
    sent = sdk.build_context_files(root, spec.dockerfile_path)
    sizes: list[tuple[str, int]] = []
    for relative in sent:
        path = os.path.join(root, relative)
        if os.path.isfile(path) and not os.path.islink(path):
            sizes.append((relative, os.path.getsize(path)))
    everything = sum(len(names) for _here, _dirs, names in os.walk(root))
    sizes.sort(key=lambda item: -item[1])
    return ContextSummary(
        files=len(sizes),
        size=sum(size for _path, size in sizes),
        biggest=tuple(sizes[:BIGGEST]),
        left_out=max(0, everything - len(sizes)),
        has_dockerfile=os.path.isfile(os.path.join(root, spec.dockerfile_path)),
    )


def step_inputs_of(spec: BuildSpec) -> list[StepInputs]:
    """What each step of the spec's build depends on, read from its Dockerfile and context
    (blocking: it reads every file a COPY or ADD takes; run it off the UI thread)."""
    root = os.path.abspath(spec.context)
    try:
        with open(os.path.join(root, spec.dockerfile_path), encoding="utf-8",
                  errors="replace") as text:  # fmt: skip
            dockerfile = parse(text.read())
    except OSError:
        return []
    sent = [p for p in sdk.build_context_files(root, spec.dockerfile_path)
            if os.path.isfile(os.path.join(root, p))]  # fmt: skip
    wanted = set()
    for instruction in dockerfile.instructions:
        sources = copy_sources(instruction.keyword, instruction.arguments)
        wanted.update(files_of(sources, sent) if sources else [])
    digests = {path: _digest(os.path.join(root, path)) for path in sorted(wanted)}
    return step_inputs(dockerfile, dict(spec.args), digests)


def _digest(path: str) -> str:
    found = hashlib.sha256()
    with contextlib.suppress(OSError), open(path, "rb") as data:
        while block := data.read(1 << 20):
            found.update(block)
    return found.hexdigest()
