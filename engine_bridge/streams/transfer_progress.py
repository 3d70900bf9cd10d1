"""TransferProgress: what a pull or a push has done so far, from the engine's progress
messages. Pure code: the time of each message is passed in.

The engine reports each layer separately ("Downloading 1.2 MB of 3.4 MB", "Extracting",
"Pull complete"; "Pushing", "Pushed", "Layer already exists"). This adds them up into one
fraction, a transfer speed over the last few seconds and the time left, and keeps the
digest the registry gave the image.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine_bridge.specs.sizes import decimal_size

_DIGEST = re.compile(r"(sha256:[0-9a-f]{64})")
_SPEED_WINDOW = 5.0  # seconds of history the speed is taken over

# Status words of the engine, by what they mean for a layer.
_WAITING = {"pulling fs layer", "waiting", "preparing"}
_TRANSFERRING = {"downloading", "pushing"}
_TRANSFERRED = {"verifying checksum", "download complete"}
_EXTRACTING = {"extracting"}
_DONE = {"pull complete", "pushed", "mounted from"}
_ALREADY_THERE = {"already exists", "layer already exists"}


@dataclass
class LayerProgress:
    """One layer: `phase` is waiting, transferring, extracting, done or present (was there
    already); `current`/`total` count the bytes of the phase under way."""

    id: str
    phase: str = "waiting"
    current: int = 0
    total: int = 0
    transferred: int = 0  # bytes moved over the network, kept when extraction starts

    @property
    def fraction(self) -> float:
        if self.phase in ("done", "present"):
            return 1.0
        if self.phase == "extracting":
            share = self.current / self.total if self.total else 0.0
            return 0.5 + 0.5 * share
        if self.phase == "transferred":
            return 0.5
        if self.phase == "transferring" and self.total:
            return 0.5 * self.current / self.total
        return 0.0


class TransferProgress:
    """The progress of one pull or push.

    Attributes: `layers` (by id, in the order the engine named them), `digest` (the image's
    digest once the registry gave it), `error` (the engine's message if it failed),
    `status` (the last overall message, such as "Downloaded newer image for ...").
    """

    def __init__(self, pushing: bool = False) -> None:
        self.pushing = pushing
        self.layers: dict[str, LayerProgress] = {}
        self.digest = ""
        self.error = ""
        self.status = ""
        self._samples: deque[tuple[float, int]] = deque()
        self._best = 0.0

    def feed(self, message: Mapping[str, Any], now: float) -> None:
        """Take one message of the engine's progress stream."""
        detail = message.get("errorDetail")
        if message.get("error") or detail:
            text = detail.get("message") if isinstance(detail, Mapping) else None
            self.error = str(text or message.get("error") or "the engine gave no reason")
            return
        aux = message.get("aux")
        if isinstance(aux, Mapping) and aux.get("Digest"):
            self.digest = str(aux["Digest"])
        status = str(message.get("status") or "")
        layer_id = str(message.get("id") or "")
        words = status.lower()
        if layer_id and (_is_layer_word(words) or layer_id in self.layers):
            self._feed_layer(layer_id, words, message.get("progressDetail"))
        elif status:
            found = _DIGEST.search(status)
            if found and ("digest" in words):
                self.digest = found.group(1)
            if words.startswith("status: ") or words.startswith("digest: ") or not layer_id:
                self.status = status.removeprefix("Status: ")
        self._samples.append((now, self.transferred))
        while len(self._samples) > 2 and self._samples[0][0] < now - _SPEED_WINDOW:
            self._samples.popleft()

    def _feed_layer(self, layer_id: str, words: str, detail: object) -> None:
        layer = self.layers.setdefault(layer_id, LayerProgress(layer_id))
        current = total = 0
        if isinstance(detail, Mapping):
            current = int(detail.get("current") or 0)
            total = int(detail.get("total") or 0)
        if words in _WAITING:
            layer.phase = "waiting"
        elif words in _TRANSFERRING:
            layer.phase = "transferring"
            layer.current, layer.total = current, total or layer.total
            layer.transferred = current
        elif words in _TRANSFERRED:
            layer.phase = "transferred"
            layer.transferred = max(layer.transferred, layer.total)
        elif words in _EXTRACTING:
            if layer.phase != "extracting":
                layer.transferred = max(layer.transferred, layer.total)
            layer.phase = "extracting"
            layer.current, layer.total = current, total or layer.total
        elif words in _DONE or words.startswith("mounted from"):
            layer.phase = "done"
            layer.transferred = max(layer.transferred, layer.total)
        elif words in _ALREADY_THERE:
            layer.phase = "present"

    # --- what it adds up to -----------------------------------------------------------

    @property
    def transferred(self) -> int:
        """Bytes moved over the network so far."""
        return sum(layer.transferred for layer in self.layers.values())

    @property
    def total(self) -> int:
        """Bytes to move, as far as the engine has said (layers' sizes arrive as they start)."""
        return sum(
            max(layer.total, layer.transferred)
            for layer in self.layers.values()
            if layer.phase != "present"
        )

    @property
    def fraction(self) -> float:
        """0 to 1 over every layer; it never goes back when a new layer's size arrives."""
        if not self.layers:
            return 0.0
        now = sum(layer.fraction for layer in self.layers.values()) / len(self.layers)
        self._best = max(self._best, now)
        return self._best

    @property
    def speed(self) -> float:
        """Bytes a second over the last few seconds."""
        if len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 and b1 > b0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        speed = self.speed
        remaining = self.total - self.transferred
        if speed <= 0 or remaining <= 0:
            return None
        return remaining / speed

    def speed_and_time_left(self) -> list[str]:
        """ "3.1MB/s", "12 s left": what a progress bar has room for (empty when unknown)."""
        parts = [f"{decimal_size(self.speed)}/s"] if self.speed else []
        left = self.seconds_left
        if left is not None:
            parts.append(f"{left:.0f} s left" if left < 120 else f"{left / 60:.0f} min left")
        return parts

    def counts(self) -> tuple[int, int]:
        """(layers finished or already there, layers in all)."""
        finished = sum(1 for layer in self.layers.values() if layer.phase in ("done", "present"))
        return finished, len(self.layers)


def _is_layer_word(words: str) -> bool:
    return (
        words in _WAITING
        or words in _TRANSFERRING
        or words in _TRANSFERRED
        or words in _EXTRACTING
        or words in _DONE
        or words in _ALREADY_THERE
        or words.startswith("mounted from")
    )
