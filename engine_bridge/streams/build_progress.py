"""What the engine's classic builder says while it builds, as steps: each with its instruction,
when it started and ended, whether the cache served it, what it printed, and the image it
made; then the result (the image ID, the tags) or the error.

Pure: messages in (the JSON objects of `/build`'s stream), facts out; the time of each message
is given by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_STEP = re.compile(r"^Step (?P<number>\d+)/(?P<total>\d+) : (?P<instruction>.*)$")
_LAYER = re.compile(r"^ ---> (?P<id>[0-9a-f]{12,64})$")
_RUNNING = re.compile(r"^ ---> Running in (?P<id>[0-9a-f]{12,64})$")
_TAGGED = re.compile(r"^Successfully tagged (?P<tag>\S+)$")
_BUILT = re.compile(r"^Successfully built (?P<id>[0-9a-f]{12,64})$")


@dataclass
class BuildStep:
    """One step. `cached` is None until the builder says whether it used the cache."""

    number: int
    total: int
    instruction: str
    started: float
    finished: float | None = None
    cached: bool | None = None
    image_id: str = ""
    container_id: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def keyword(self) -> str:
        return self.instruction.split(" ", 1)[0].upper()

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None else self.finished - self.started


@dataclass
class BuildProgress:
    """Feed it the stream's messages with `add(message, now)`. Attributes: `steps`,
    `image_id` (once built), `tags`, `error` (the builder's words, if it failed),
    `error_code` (the failing command's exit code, if it said), `log` (every line, in order)."""

    steps: list[BuildStep] = field(default_factory=list)
    image_id: str = ""
    tags: list[str] = field(default_factory=list)
    error: str = ""
    error_code: int | None = None
    log: list[str] = field(default_factory=list)
    _partial: str = ""

    @property
    def current(self) -> BuildStep | None:
        return self.steps[-1] if self.steps else None

    @property
    def fraction(self) -> float | None:
        """How far along the build is, by steps done (None before the first step)."""
        step = self.current
        if step is None or step.total <= 0:
            return None
        done = step.number - (0 if step.finished is not None else 1)
        return max(0.0, min(1.0, done / step.total))

    def add(self, message: Mapping[str, Any], now: float) -> None:
        if message.get("error") or message.get("errorDetail"):
            detail = message.get("errorDetail") or {}
            self.error = str(message.get("error") or detail.get("message") or "").strip()
            code = detail.get("code")
            self.error_code = int(code) if isinstance(code, int) else None
            self._finish(now)
            return
        aux = message.get("aux")
        if isinstance(aux, Mapping) and aux.get("ID"):
            self.image_id = str(aux["ID"])
        text = message.get("stream")
        if isinstance(text, str):
            self._read(text, now)
        status = message.get("status")
        if isinstance(status, str) and status:  # pulling a base image
            progress = message.get("progress")
            line = f"{message.get('id', '')}: {status} {progress or ''}".strip(": ").strip()
            self._line(line, now)

    def _read(self, text: str, now: float) -> None:
        # The builder sends whole lines, but nothing promises one message per line.
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._line(line.rstrip("\r"), now)

    def _line(self, line: str, now: float) -> None:
        self.log.append(line)
        step = self.current
        if match := _STEP.match(line):
            self._finish(now)
            self.steps.append(BuildStep(int(match["number"]), int(match["total"]),
                                        match["instruction"], now))  # fmt: skip
            return
        if step is None:
            return
        if line == " ---> Using cache":
            step.cached = True
        elif match := _RUNNING.match(line):
            step.cached = False
            step.container_id = match["id"]
        elif match := _LAYER.match(line):
            step.image_id = match["id"]
            if step.cached is None:
                step.cached = False  # made anew without running a container (ENV, LABEL…)
            step.finished = now
        elif match := _BUILT.match(line):
            self._finish(now)
            self.image_id = self.image_id or match["id"]
        elif match := _TAGGED.match(line):
            self.tags.append(match["tag"])
        elif not line.startswith("Removing intermediate container") and line != " ---> ":
            step.output.append(line)

    def _finish(self, now: float) -> None:
        step = self.current
        if step is not None and step.finished is None:
            step.finished = now
