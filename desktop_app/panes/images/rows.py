"""What the Images list shows: one row per tag (an untagged, dangling image is one row of
its own), with the containers made from it. No Qt."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.presentation import Column, ago, counted, decimal_size
from engine_bridge import ContainerSummary, ImageSummary


@dataclass(frozen=True)
class ImageRow:
    """One line of the list: an image under one of its names (or under none), and the
    containers, running or not, made from it."""

    image: ImageSummary
    repository: str  # "" for a dangling image
    tag: str
    users: tuple[ContainerSummary, ...] = ()

    @property
    def reference(self) -> str:
        """What names this row to the engine: repo:tag, or the image ID when untagged."""
        return f"{self.repository}:{self.tag}" if self.repository else self.image.id

    @property
    def other_tags(self) -> tuple[str, ...]:
        return tuple(t for t in self.image.repo_tags if t != self.reference)

    @property
    def digest(self) -> str:
        """The repo digest for this repository, when the image came from or went to one."""
        for entry in self.image.repo_digests:
            repository, _, digest = entry.partition("@")
            if repository == self.repository:
                return digest
        return ""

    @property
    def dangling(self) -> bool:
        return not self.repository


def rows_of(
    images: Iterable[ImageSummary], containers: Iterable[ContainerSummary]
) -> list[ImageRow]:
    users: dict[str, list[ContainerSummary]] = {}
    for c in containers:
        users.setdefault(c.image_id, []).append(c)
    rows = []
    for image in images:
        made = tuple(sorted(users.get(image.id, []), key=lambda c: c.name))
        if not image.repo_tags:
            rows.append(ImageRow(image, "", "", made))
        for name in image.repo_tags:
            repository, _, tag = name.rpartition(":")
            rows.append(ImageRow(image, repository, tag, made))
    return rows


REPOSITORY, TAG, IMAGE_ID, DIGEST, SIZE, CREATED, USED_BY = range(7)


class ImageRows:
    """The row format of the Images list (panes.base.RowFormat)."""

    columns = (
        Column("Repository"),
        Column("Tag", 120),
        Column("Image ID", 120, tip="The hash of the image's configuration: the same image "
               "has one ID, whatever its tags"),
        Column("Digest", 120, tip="The hash of the image's manifest in a registry; pulling by "
               "it always gives exactly this image"),
        Column("Size", 80, right=True, tip="Size of all the image's layers; layers shared with "
               "other images count once on disk"),
        Column("Created", 120),
        Column("Used by", 110, right=True,
               tip="Containers made from this image (stopped ones too)"),
    )  # fmt: skip

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def key(self, row: ImageRow) -> str:
        return f"{row.image.id} {row.reference}"

    def name(self, row: ImageRow) -> str:
        return row.reference if row.repository else f"<none> {row.image.short_id}"

    def text(self, row: ImageRow, column: int) -> str:
        image = row.image
        if column == REPOSITORY:
            return row.repository or "<none>"
        if column == TAG:
            tags = len(image.repo_tags)
            return f"{row.tag}  (+{tags - 1})" if tags > 1 else (row.tag or "<none>")
        if column == IMAGE_ID:
            return image.short_id
        if column == DIGEST:
            return row.digest.removeprefix("sha256:")[:12]
        if column == SIZE:
            return decimal_size(image.size)
        if column == CREATED:
            return ago(image.created, self.now)
        if not row.users:
            return ""
        running = sum(1 for c in row.users if c.is_running)
        return f"{len(row.users)} ({running} running)" if running else str(len(row.users))

    def sort_key(self, row: ImageRow, column: int) -> str | int | float:
        if column == SIZE:
            return row.image.size
        if column == CREATED:
            return row.image.created.timestamp() if row.image.created else 0.0
        if column == USED_BY:
            return len(row.users)
        return self.text(row, column).lower()

    def tooltip(self, row: ImageRow, column: int) -> str | None:
        if column == TAG and row.other_tags:
            return "The same image is also tagged " + ", ".join(row.other_tags)
        if column == IMAGE_ID:
            return row.image.id
        if column == DIGEST and row.digest:
            return f"{row.repository}@{row.digest}"
        if column == USED_BY:
            return ", ".join(f"{c.name} ({c.state})" for c in row.users) or None
        if column == REPOSITORY and row.dangling:
            return "A dangling image: no tag points to it any more"
        return None

    def tone(self, row: ImageRow, column: int) -> str | None:
        return "muted" if row.dangling else None

    def matches(self, row: ImageRow, words: str) -> bool:
        haystack = f"{row.repository}:{row.tag} {row.image.id.removeprefix('sha256:')}"
        return words.lower() in haystack.lower()


def count_text(rows: Sequence[ImageRow]) -> str:
    """What the heading counts: images (distinct IDs), their tags (a row each), and how
    many of the images are dangling. COUNT_MEANING says so in the heading's tooltip."""
    images = {r.image.id for r in rows}
    if not images:
        return ""
    tags = sum(1 for r in rows if not r.dangling)
    dangling = sum(1 for r in rows if r.dangling)
    words = [counted(len(images), "image")]
    if tags != len(images) - dangling:
        words.append(counted(tags, "tag"))
    if dangling:
        words.append(f"{dangling} dangling")
    return " · ".join(words)


COUNT_MEANING = (
    "Images: each image once, whatever its tags. Tags: one row each. Dangling: images no tag "
    "points to any more. The Engine page gives docker info's number, which also counts the "
    "intermediate images that builds leave behind, so it can be higher."
)
