"""What the Compose list shows for each project: no Qt."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from desktop_app.presentation import Column, ago, counted
from engine_bridge import ComposeProject, Drift

NAME, STATUS, SERVICES, CONTAINERS, FOLDER, CREATED = range(6)


def services_text(project: ComposeProject) -> str:
    return ", ".join(s.name for s in project.services)


def folder_text(project: ComposeProject) -> str:
    """Where it was started from, the way people say it: the folder, with ~ for home."""
    folder = project.working_dir
    home = os.path.expanduser("~")
    if folder and home not in ("", "/") and (folder == home or folder.startswith(home + "/")):
        return "~" + folder[len(home) :]
    return folder


class ComposeRows:
    """The row format of the Compose list (panes.base.RowFormat). `drift` holds what is
    known of each project's file: project name -> how it differs (None: unknown)."""

    columns = (
        Column("Project", 160),
        Column("Status", 120),
        Column("Services", 180),
        Column("Containers", 100),
        Column("Started from", 200, tip="The folder Compose ran in; its files are in the details"),
        Column("Created"),
    )

    def __init__(self) -> None:
        self.now = datetime.now(UTC)
        self.drift: Mapping[str, Drift] = {}

    def key(self, row: ComposeProject) -> str:
        return row.name

    def name(self, row: ComposeProject) -> str:
        return row.name

    def text(self, row: ComposeProject, column: int) -> str:
        if column == NAME:
            drift = self.drift.get(row.name)
            return f"{row.name}  · file changed" if drift is not None and drift.any else row.name
        if column == STATUS:
            return row.status
        if column == SERVICES:
            return services_text(row)
        if column == CONTAINERS:
            return f"{row.running} of {len(row.containers)} running"
        if column == FOLDER:
            return folder_text(row)
        if column == CREATED:
            return ago(row.created, self.now)
        return ""

    def sort_key(self, row: ComposeProject, column: int) -> str | int | float:
        if column == CONTAINERS:
            return len(row.containers)
        if column == CREATED:
            return row.created.timestamp() if row.created else 0.0
        if column == STATUS:
            return f"{int(row.running == 0)}{row.name.lower()}"
        return self.text(row, column).lower()

    def tooltip(self, row: ComposeProject, column: int) -> str | None:
        if column == NAME:
            drift = self.drift.get(row.name)
            if drift is not None and drift.any:
                return f"The compose file changed since the project started ({drift.in_words()})"
            return f"{counted(len(row.services), 'service')}, made by Compose " + (
                ", ".join(row.made_by) or "(version unknown)"
            )
        if column == SERVICES:
            return "\n".join(
                f"{s.name}: {s.running} of {len(s.containers)} running" for s in row.services
            )
        if column == FOLDER:
            return "\n".join(row.config_files) or None
        return None

    def tone(self, row: ComposeProject, column: int) -> str | None:
        if column == STATUS:
            if row.running == len(row.containers):
                return "good"
            return "warn" if row.running else "muted"
        if column == NAME:
            drift = self.drift.get(row.name)
            return "warn" if drift is not None and drift.any else None
        return None

    def matches(self, row: ComposeProject, words: str) -> bool:
        haystack = " ".join([row.name, row.working_dir, services_text(row),
                             *(c.name for c in row.containers)])  # fmt: skip
        return words.lower() in haystack.lower()
