"""What the app reads from resources/: the texts that explain Docker to learners."""

from __future__ import annotations

import functools
import json
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(
        (RESOURCES / "learning.json").read_text(encoding="utf-8")
    )
    return data


def text(topic: str, part: str = "body") -> str:
    """One part ("title", "body", ...) of a topic, e.g. text("containers.empty", "title")."""
    return _texts()[topic][part]
