"""What the Builds list shows for each build the app ran: no Qt."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_app.panes.builds.history import BuildRecord
from desktop_app.presentation import Column, ago

STARTED, TAGS, OUTCOME, TOOK, STEPS, CONTEXT, IMAGE = range(7)

_TONES = {"succeeded": "good", "failed": "bad", "cancelled": "muted"}


class BuildRows:
    """The row format of the Builds list (panes.base.RowFormat)."""

    columns = (
        Column("Started", 120),
        Column("Tags", 200),
        Column("Outcome", 90),
        Column("Took", 70, right=True),
        Column("Steps", 90, right=True, tip="Steps run, and how many the build cache served"),
        Column("Context", tip="The folder the build was sent, with its Dockerfile"),
        Column("Image ID", 110),
    )

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def key(self, row: BuildRecord) -> str:
        return row.id

    def name(self, row: BuildRecord) -> str:
        return ", ".join(row.tags) or f"build of {row.context}"

    def text(self, row: BuildRecord, column: int) -> str:
        if column == STARTED:
            return ago(datetime.fromtimestamp(row.started, UTC), self.now)
        if column == TAGS:
            return ", ".join(row.tags) or "(untagged)"
        if column == OUTCOME:
            return row.outcome
        if column == TOOK:
            return f"{row.seconds:.1f} s"
        if column == STEPS:
            cached = f" ({row.cached_steps} cached)" if row.cached_steps else ""
            return f"{len(row.steps)}{cached}"
        if column == CONTEXT:
            dockerfile = "" if row.dockerfile == "Dockerfile" else f"  · {row.dockerfile}"
            return f"{row.context}{dockerfile}"
        if column == IMAGE:
            return row.image_id.removeprefix("sha256:")[:12]
        return ""

    def sort_key(self, row: BuildRecord, column: int) -> str | int | float:
        if column == STARTED:
            return row.started
        if column == TOOK:
            return row.seconds
        if column == STEPS:
            return len(row.steps)
        return self.text(row, column).lower()

    def tooltip(self, row: BuildRecord, column: int) -> str | None:
        if column == OUTCOME and row.error:
            return row.error
        if column == STARTED:
            return (
                datetime.fromtimestamp(row.started, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            )
        return None

    def tone(self, row: BuildRecord, column: int) -> str | None:
        return _TONES.get(row.outcome) if column == OUTCOME else None

    def matches(self, row: BuildRecord, words: str) -> bool:
        haystack = f"{' '.join(row.tags)} {row.context} {row.outcome} {row.image_id}"
        return words.lower() in haystack.lower()
