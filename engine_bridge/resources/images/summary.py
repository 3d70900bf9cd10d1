"""An image as the lists show it: one row of `docker images`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine_bridge.dto import labels_of, parse_time


@dataclass(frozen=True)
class ImageSummary:
    """One local image: its ID, every tag and repo digest it has, and its size."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size: int
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    containers: int = -1

    @property
    def short_id(self) -> str:
        return self.id.removeprefix("sha256:")[:12]

    @property
    def dangling(self) -> bool:
        return not self.repo_tags

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImageSummary:
        tags = tuple(t for t in data.get("RepoTags") or [] if t != "<none>:<none>")
        digests = tuple(d for d in data.get("RepoDigests") or [] if d != "<none>@<none>")
        return cls(
            id=str(data.get("Id", "")),
            repo_tags=tags,
            repo_digests=digests,
            size=int(data.get("Size", 0) or 0),
            created=parse_time(data.get("Created")),
            labels=labels_of(data.get("Labels")),
            containers=int(data.get("Containers", -1)),
        )
