"""Every build the app ran, kept in the app's data folder so the history survives a restart:
when, what was asked (context, Dockerfile, tags, target, arguments, labels, switches), how it
ended, how long it took, the image it made, each step (instruction, cache used, seconds) and
the log. Bounded: the oldest go first. No Qt.

One JSON document per line in `builds.jsonl`; a line that cannot be read (a crash half-way
through a write) is skipped, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.command_log import history_dir
from engine_bridge import BuildProgress, BuildSpec, StepInputs, why_it_ran

KEPT = 200  # builds kept
LOG_LINES = 2000  # lines of each build's log kept (its end)


@dataclass(frozen=True)
class StepRecord:
    number: int
    instruction: str
    cached: bool | None
    seconds: float | None


@dataclass(frozen=True)
class BuildRecord:
    """One build. `outcome` is "succeeded", "failed" or "cancelled"; `started` is a Unix
    time; `engine` names the engine it ran on."""

    id: str
    started: float
    seconds: float
    outcome: str
    context: str
    dockerfile: str
    tags: tuple[str, ...]
    target: str
    args: tuple[tuple[str, str], ...]
    labels: tuple[tuple[str, str], ...]
    no_cache: bool
    pull: bool
    engine: str = ""
    platform: str = ""
    image_id: str = ""
    error: str = ""
    steps: tuple[StepRecord, ...] = ()
    log: tuple[str, ...] = field(default=(), repr=False)
    inputs: tuple[StepInputs, ...] = field(default=(), repr=False)
    #: The Dockerfile line of the step that failed, and the lines around it as they were.
    failed_line: int = 0
    excerpt: tuple[tuple[int, str], ...] = ()

    @property
    def spec(self) -> BuildSpec:
        """What was asked, to build the same again."""
        return BuildSpec(self.context, self.dockerfile, self.tags, self.target, self.args,
                         self.labels, self.no_cache, self.pull, self.platform)  # fmt: skip

    @property
    def cached_steps(self) -> int:
        return sum(1 for step in self.steps if step.cached)

    def same_build(self, other: BuildRecord) -> bool:
        """Whether `other` built the same Dockerfile from the same context."""
        return (self.context, self.dockerfile) == (other.context, other.dockerfile)

    def why_ran(self, previous: BuildRecord | None) -> dict[int, str]:
        """For each step that ran this time although `previous` (the build before of the
        same Dockerfile) left its layer in the cache (it made it, or took it from there),
        why, in words."""
        if previous is None or not self.inputs:
            return {}
        layered_before = {s.number for s in previous.steps if s.cached is not None}
        ran = [s.number for s in self.steps if s.cached is False]
        return {
            number: why_it_ran(number, self.inputs, previous.inputs, ran, self.no_cache)
            for number in ran
            if number in layered_before
        }


def record_of(
    spec: BuildSpec,
    progress: BuildProgress | None,
    outcome: str,
    started: float,
    seconds: float,
    engine: str = "",
    error: str = "",
    inputs: Sequence[StepInputs] = (),
) -> BuildRecord:
    steps = tuple(
        StepRecord(s.number, s.instruction, s.cached, s.seconds)
        for s in (progress.steps if progress is not None else [])
    )
    log = tuple(progress.log[-LOG_LINES:]) if progress is not None else ()
    return BuildRecord(
        id=uuid.uuid4().hex[:12], started=started, seconds=seconds, outcome=outcome,
        context=spec.context, dockerfile=spec.dockerfile_path, tags=spec.tags,
        target=spec.target, args=spec.args, labels=spec.labels, no_cache=spec.no_cache,
        pull=spec.pull, engine=engine, platform=spec.platform,
        image_id=progress.image_id if progress else "",
        error=error, steps=steps, log=log, inputs=tuple(inputs),
    )  # fmt: skip


def _from_json(data: dict[str, Any]) -> BuildRecord:
    pairs = ("args", "labels")
    values = {k: v for k, v in data.items() if k in BuildRecord.__dataclass_fields__}
    for name in pairs:
        values[name] = tuple((str(a), str(b)) for a, b in values.get(name) or ())
    values["tags"] = tuple(values.get("tags") or ())
    values["log"] = tuple(values.get("log") or ())
    values["steps"] = tuple(StepRecord(**step) for step in values.get("steps") or ())
    values["inputs"] = tuple(StepInputs(**step) for step in values.get("inputs") or ())
    values["excerpt"] = tuple((int(n), str(t)) for n, t in values.get("excerpt") or ())
    return BuildRecord(**values)


class BuildHistory:
    """The builds kept in `folder`: unless given, `DOCKYARD_HISTORY_DIR`, else Dockyard's
    data folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or history_dir()) / "builds.jsonl"

    def before(self, record: BuildRecord) -> BuildRecord | None:
        """The build of the same Dockerfile just before `record`, if one is kept."""
        earlier = [r for r in self.records() if r.same_build(record) and r.started < record.started]
        return earlier[0] if earlier else None

    def records(self) -> list[BuildRecord]:
        """Every build kept, the newest first."""
        found: list[BuildRecord] = []
        with contextlib.suppress(FileNotFoundError):
            for line in self.path.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    found.append(_from_json(json.loads(line)))
        return sorted(found, key=lambda r: -r.started)

    def add(self, record: BuildRecord) -> None:
        kept = [record, *self.records()][:KEPT]
        self._write(kept)

    def remove(self, ids: set[str]) -> None:
        self._write([r for r in self.records() if r.id not in ids])

    def _write(self, records: list[BuildRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        text = "".join(
            json.dumps(asdict(r)) + "\n" for r in sorted(records, key=lambda r: r.started)
        )
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.path)  # whole or not at all
