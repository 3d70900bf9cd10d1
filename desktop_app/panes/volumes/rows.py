"""What the Volumes list shows for each volume, and which actions apply: no Qt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.presentation import Column, ago, decimal_size
from engine_bridge import ContainerSummary, VolumeSummary, VolumeUsage, short_name


@dataclass(frozen=True)
class User:
    """A container that mounts a volume."""

    id: str
    name: str
    running: bool


@dataclass(frozen=True)
class VolumeRow:
    volume: VolumeSummary
    users: tuple[User, ...] = ()
    usage: VolumeUsage | None = None

    @property
    def name(self) -> str:
        return self.volume.name

    @property
    def in_use(self) -> bool:
        return bool(self.users)

    @property
    def running_users(self) -> tuple[User, ...]:
        return tuple(u for u in self.users if u.running)

    @property
    def size(self) -> int | None:
        """Bytes, when the engine's disk usage was read and its driver can tell."""
        return self.usage.size if self.usage is not None and self.usage.size >= 0 else None


def rows_of(
    volumes: Iterable[VolumeSummary],
    containers: Iterable[ContainerSummary],
    usage: Mapping[str, VolumeUsage],
) -> list[VolumeRow]:
    users: dict[str, list[User]] = {}
    for c in containers:
        for mount in c.mounts:
            if mount.type == "volume" and mount.name:
                users.setdefault(mount.name, []).append(User(c.id, c.name, c.is_running))
    return [
        VolumeRow(v, tuple(sorted(users.get(v.name, []), key=lambda u: u.name)), usage.get(v.name))
        for v in volumes
    ]


def users_text(users: Sequence[User], shown: int = 3) -> str:
    names = [f"{u.name} (running)" if u.running else u.name for u in users[:shown]]
    more = len(users) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


NAME, DRIVER, USED_BY, PROJECT, SIZE, CREATED, MOUNTPOINT = range(7)


class VolumeRows:
    """The row format of the Volumes list (panes.base.RowFormat)."""

    columns = (
        Column("Name", 220),
        Column("Driver", 70),
        Column("Used by", 200, tip="The containers that mount the volume, running or not"),
        Column("Project", 110, tip="The Compose project that made it"),
        Column("Size", 80, right=True, tip="From the engine's disk usage (Sizes)"),
        Column("Created", 130),
        # The last column takes the room left: a narrow window shortens the mountpoint,
        # never the name.
        Column("Mountpoint", tip="Where the engine keeps its files, on the engine's host"),
    )

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def key(self, row: VolumeRow) -> str:
        return row.name

    def name(self, row: VolumeRow) -> str:
        return row.name

    def text(self, row: VolumeRow, column: int) -> str:
        v = row.volume
        if column == NAME:
            return f"{short_name(v.name)}  · anonymous" if v.anonymous else v.name
        if column == DRIVER:
            return v.driver
        if column == USED_BY:
            return users_text(row.users) if row.users else "unused"
        if column == PROJECT:
            return v.compose_project or ""
        if column == SIZE:
            size = row.size
            return "" if size is None else decimal_size(size)
        if column == CREATED:
            return ago(v.created, self.now)
        if column == MOUNTPOINT:
            return v.mountpoint
        return ""

    def sort_key(self, row: VolumeRow, column: int) -> str | int | float:
        if column == SIZE:
            return row.size if row.size is not None else -1
        if column == CREATED:
            return row.volume.created.timestamp() if row.volume.created else 0.0
        if column == USED_BY:
            return f"{len(row.running_users):04d}{len(row.users):04d}{self.text(row, column)}"
        if column == NAME:  # named ones first, then the engine-named
            return f"{int(row.volume.anonymous)}{row.name.lower()}"
        return self.text(row, column).lower()

    def tooltip(self, row: VolumeRow, column: int) -> str | None:
        v = row.volume
        if column == NAME:
            kind = (
                "Anonymous: the engine made and named it for a container"
                if v.anonymous
                else "Named: made by name, kept until removed by name"
            )
            return f"{v.name}\n{kind}"
        if column == USED_BY and row.users:
            return "\n".join(
                f"{u.name} ({'running' if u.running else 'stopped'})" for u in row.users
            )
        if column == CREATED and v.created is not None:
            return v.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return None

    def tone(self, row: VolumeRow, column: int) -> str | None:
        if column == USED_BY:
            return "running" if row.running_users else None if row.users else "muted"
        if column == NAME and row.volume.anonymous:
            return "muted"
        return None

    def matches(self, row: VolumeRow, words: str) -> bool:
        needle = words.lower()
        v = row.volume
        haystack = [
            v.name,
            v.driver,
            v.compose_project or "",
            v.mountpoint,
            *(u.name for u in row.users),
            *(f"{k}={val}" for k, val in v.labels.items()),
        ]
        return any(needle in part.lower() for part in haystack)


def count_text(rows: Sequence[VolumeRow], sizes_read: datetime | None, now: datetime) -> str:
    if not rows:
        return ""
    unused = sum(1 for r in rows if not r.in_use)
    parts = [f"{len(rows)} volume{'s' if len(rows) != 1 else ''}"]
    if unused:
        parts.append(f"{unused} unused")
    text = ", ".join(parts)
    if sizes_read is not None:
        total = sum(r.size or 0 for r in rows)
        when = "just now" if (now - sizes_read).total_seconds() < 60 else ago(sizes_read, now)
        text += f" · {decimal_size(total)} (sizes read {when})"
    return text


def inspect_summary(row: VolumeRow) -> list[tuple[str, str]]:
    """The friendly summary above a volume's inspect document."""
    v = row.volume
    found = [
        ("Name", v.name),
        ("Kind", "anonymous (named by the engine)" if v.anonymous else "named"),
        (
            "Driver",
            v.driver
            + (f" ({', '.join(f'{k}={x}' for k, x in v.options.items())})" if v.options else ""),
        ),
        ("Used by", users_text(row.users, shown=10) if row.users else "no container"),
        ("Size", decimal_size(row.size) if row.size is not None else "not read yet (Sizes)"),
        ("Mountpoint", v.mountpoint),
        ("Scope", v.scope),
    ]
    if v.compose_project:
        found.insert(3, ("Compose project", v.compose_project))
    if v.created is not None:
        found.append(("Created", v.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")))
    for key, value in sorted(v.labels.items()):
        found.append((f"Label {key}", value))
    return found
