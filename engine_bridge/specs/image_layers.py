"""An image's layers as a learner reads them: the instruction that made each one, its size,
the steps that made no layer at all, and the layers it shares with other local images.
Pure code, from the engine's /images/{id}/history and the RootFS layers of inspect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine_bridge.dto import parse_time

# Instructions that only change the image's configuration: they make no layer.
_CONFIG_ONLY = {
    "ARG", "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip
_KEYWORDS = _CONFIG_ONLY | {"ADD", "COPY", "RUN", "FROM"}


@dataclass(frozen=True)
class ImageLayer:
    """One step of an image's history, oldest first.

    `layer` is the layer's content digest (diff ID), empty for a step that made no layer;
    `shared_with` names the other local images that have this layer and every one below it.
    """

    instruction: str
    size: int
    created: datetime | None
    layer: str = ""
    shared_with: tuple[str, ...] = ()
    comment: str = ""

    @property
    def empty(self) -> bool:
        return not self.layer


def instruction_of(created_by: str) -> str:
    """The Dockerfile line behind a history entry's CreatedBy, as near as it can be told."""
    text = created_by.strip()
    if text.endswith("# buildkit"):
        text = text.removesuffix("# buildkit").strip()
    if "#(nop)" in text:
        return text.split("#(nop)", 1)[1].strip()
    if text.startswith("|"):  # "|2 A=1 B=2 /bin/sh -c ...": build arguments of a RUN
        parts = text.split(" ", 1)
        text = parts[1] if len(parts) > 1 else ""
        count = int(parts[0][1:] or 0) if parts[0][1:].isdigit() else 0
        text = " ".join(text.split(" ")[count:])
    keyword = text.split(" ", 1)[0].upper() if text else ""
    if keyword in _KEYWORDS:
        return text
    return f"RUN {text}" if text else "(no instruction recorded)"


def _keyword(instruction: str) -> str:
    return instruction.split(" ", 1)[0].upper()


def layers_of(
    history: Sequence[Mapping[str, Any]],
    diff_ids: Sequence[str],
    others: Mapping[str, Sequence[str]] | None = None,
) -> list[ImageLayer]:
    """Pair history steps (newest first, as the engine gives them) with the image's layers.

    `others` maps other local images' names to their layers, to tell which are shared.
    """
    steps = list(reversed(history))
    instructions = [instruction_of(str(s.get("CreatedBy") or "")) for s in steps]
    sizes = [int(s.get("Size") or 0) for s in steps]
    makes_layer = [
        not (_keyword(i) in _CONFIG_ONLY and size == 0)
        for i, size in zip(instructions, sizes, strict=True)
    ]
    if sum(makes_layer) != len(diff_ids):
        # Builders differ (BuildKit records some config steps as layers): fall back to the
        # steps with content, then to the oldest steps.
        makes_layer = [size > 0 for size in sizes]
        if sum(makes_layer) != len(diff_ids):
            makes_layer = [index < len(diff_ids) for index in range(len(steps))]
    sharing = _shared(list(diff_ids), others or {})
    layers: list[ImageLayer] = []
    next_layer = 0
    for step, instruction, size, has_layer in zip(
        steps, instructions, sizes, makes_layer, strict=True
    ):
        layer = ""
        shared: tuple[str, ...] = ()
        if has_layer and next_layer < len(diff_ids):
            layer, shared = diff_ids[next_layer], sharing[next_layer]
            next_layer += 1
        layers.append(
            ImageLayer(
                instruction=instruction,
                size=size,
                created=parse_time(step.get("Created")),
                layer=layer,
                shared_with=shared,
                comment=str(step.get("Comment") or ""),
            )
        )
    return layers


def _shared(mine: list[str], others: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """For each of my layers, the images whose stack starts with mine up to that layer."""
    found: list[list[str]] = [[] for _ in mine]
    for name, theirs in others.items():
        for index, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            if a != b:
                break
            found[index].append(name)
    return [tuple(sorted(names)) for names in found]
