"""What a build context holds once `.dockerignore` has had its say: how many files, how many
bytes, and the biggest, so people see why a build is slow to start before it is sent."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine_bridge import sdk
from engine_bridge.specs.build_spec import BuildSpec

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
