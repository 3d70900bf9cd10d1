"""LogsPanel: the log of one container, or of a Compose project's containers interleaved by
time, with follow, tail, since, search, copy, clear and export."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.session import EngineSession
from desktop_app.tasks import spawn
from desktop_app.widgets.log_view import NOTICE, LogModel, LogView
from engine_bridge import (
    Change,
    EngineError,
    Happening,
    LogFollower,
    LogLine,
    LogNote,
    container_log,
    export_container_log,
    inspect_container,
    parse_time,
)

if TYPE_CHECKING:
    from engine_bridge import EngineBridge

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
BATCH_PAUSE = 0.03  # lines reach the view in batches, at most ~30 times a second


@dataclass(frozen=True)
class LogTarget:
    """A container whose log is shown: `tty` decides how its bytes are read."""

    id: str
    name: str
    tty: bool


async def log_targets(bridge: EngineBridge, container_ids: Sequence[str]) -> list[LogTarget]:
    """The containers' logs to show, each read the way it was written (a TTY or not)."""
    found = await asyncio.gather(*(inspect_container(bridge, i) for i in container_ids))
    return [
        LogTarget(str(d["Id"]), str(d.get("Name", "")).lstrip("/"),
                  bool((d.get("Config") or {}).get("Tty")))
        for d in found
    ]  # fmt: skip


def _note_words(name: str, note: LogNote) -> str:
    """What a followed log's happening means, in words."""
    error = note.error.in_words(hint=False) if note.error is not None else ""
    return {
        Happening.STOPPED: f"{name} stopped. Waiting for it to start again…",
        Happening.STARTED: f"{name} started again.",
        Happening.RESTARTED: f"{name} stopped, and started again.",
        Happening.ENGINE_LOST: f"{name}: {error} The log goes on when it answers again.",
        Happening.ENGINE_BACK: "The engine answers again; the log goes on.",
        Happening.FAILED: f"{name}: {error}",
    }[note.happening]


def since_value(text: str, now: float | None = None) -> str | None:
    """The engine's `since` for what a user typed: "10m", "2h", "1.5d" or an RFC 3339 time."""
    text = text.strip()
    if not text:
        return None
    match = _DURATION.fullmatch(text)
    if match:
        seconds = float(match.group(1)) * _UNIT[match.group(2)]
        return f"{(now if now is not None else time.time()) - seconds:.9f}"
    moment = parse_time(text if ("Z" in text or "+" in text[10:]) else text + "Z")
    if moment is None:
        raise ValueError(f"'{text}' is not a time: write 10m, 2h or 2026-01-31T10:00:00.")
    return f"{moment.timestamp():.9f}"


class LogsPanel(QWidget):
    """Attributes: `model`, `view`, the controls, and `status` (what the log is doing);
    `stall_check`, the seconds a followed log may say nothing before the engine is asked
    whether it holds more."""

    stall_check = 5.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logsPanel")
        self.session: EngineSession | None = None
        self.targets: list[LogTarget] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._followers: dict[str, LogFollower] = {}
        self._export_cancel: threading.Event | None = None
        self.model = LogModel()
        self.view = LogView(self.model)

        self.follow = QCheckBox("Follow")
        self.follow.setChecked(True)
        self.follow.toggled.connect(self._on_follow)
        self.tail = QSpinBox()
        self.tail.setObjectName("logTail")
        self.tail.setAccessibleName("Lines to load from the end")
        self.tail.setRange(0, 10_000_000)
        self.tail.setValue(1000)
        self.tail.setSpecialValueText("all")
        self.tail.setPrefix("last ")
        self.tail.setToolTip("How many of the latest lines to load; 'all' loads the whole log")
        self.since = QLineEdit(placeholderText="since: 10m, 2h, 2026-01-31T10:00")
        self.since.setObjectName("logSince")
        self.since.setAccessibleName("Since")
        self.since.setMaximumWidth(220)
        reload = QPushButton("Load")
        reload.clicked.connect(self.restart)
        self.since.returnPressed.connect(self.restart)
        self.timestamps = QCheckBox("Timestamps")
        self.timestamps.toggled.connect(self.view.set_timestamps)
        self.wrap = QCheckBox("Wrap")
        self.wrap.toggled.connect(self.view.set_wrap)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.model.clear)
        copy = QPushButton("Copy")
        copy.setToolTip("Copy the selected lines (Ctrl+C)")
        copy.clicked.connect(self.view.copy_selection)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("exportLog")
        self.export_button.clicked.connect(self._on_export)

        self.search = QLineEdit(placeholderText="Search")
        self.search.setObjectName("logSearch")
        self.search.setAccessibleName("Search the log")
        self.search.setClearButtonEnabled(True)
        self.regex = QCheckBox("Regex")
        self.case = QCheckBox("Match case")
        self.only_matching = QCheckBox("Only matching lines")
        self.match_label = QLabel()
        self.match_label.setObjectName("logMatches")
        previous = QPushButton("◀")
        previous.setToolTip("Previous match (Shift+Enter)")
        following = QPushButton("▶")
        following.setToolTip("Next match (Enter)")
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        self.search.returnPressed.connect(lambda: self.step(1))
        self.search.textChanged.connect(self._on_search)
        for box in (self.regex, self.case, self.only_matching):
            box.toggled.connect(self._on_search)
        self.status = QLabel()
        self.status.setObjectName("logStatus")
        theme.mark(self.status, "muted")
        self._matches: list[int] = []
        self._match = -1

        top = QHBoxLayout()
        controls: list[QWidget] = [self.follow, self.tail, self.since, reload, self.timestamps]
        for control in controls:
            top.addWidget(control)
        top.addWidget(self.wrap)
        top.addStretch(1)
        for button in (clear, copy, self.export_button):
            top.addWidget(button)
        find = QHBoxLayout()
        searching: list[QWidget] = [self.search, self.regex, self.case, self.only_matching]
        for control in [*searching, self.match_label, previous, following]:
            find.addWidget(control)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.model.rowsInserted.connect(self._show_counts)
        self.model.rowsRemoved.connect(self._show_counts)
        self.model.modelReset.connect(self._show_counts)
        # New lines may match too: count again, at most a few times a second.
        self._recount = QTimer(self, singleShot=True, interval=300)
        self._recount.timeout.connect(self._count_matches)
        self.model.rowsInserted.connect(self._schedule_recount)
        self.model.rowsRemoved.connect(self._schedule_recount)

    # --- what is shown ----------------------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        """Follow logs on `session`'s engine; what was followed on another one stops."""
        if session is not self.session:
            self.stop()
        if self.session is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.session.resources_changed.disconnect(self._on_changes)
        self.session = session
        if session is not None:
            session.resources_changed.connect(self._on_changes)

    def show_targets(self, targets: list[LogTarget]) -> None:
        """Show the log of these containers (several: interleaved, each line marked). Other
        containers than before get a fresh view: no search, all lines, following."""
        if [t.id for t in targets] != [t.id for t in self.targets]:
            self._fresh_view()
        self.targets = targets
        self.restart()

    def _fresh_view(self) -> None:
        for widget in (self.search, self.only_matching, self.follow):
            widget.blockSignals(True)
        self.search.clear()
        self.only_matching.setChecked(False)
        self.follow.setChecked(True)
        for widget in (self.search, self.only_matching, self.follow):
            widget.blockSignals(False)
        self._matches, self._match = [], -1
        self.match_label.setText("")
        self.view.set_search(None)
        self.model.only_matching(None)
        self.view.follow = True

    def restart(self) -> None:
        """Load the log again with the current tail and since."""
        self.stop()
        self.model.clear()
        try:
            since = since_value(self.since.text())
        except ValueError as exc:
            self.since.setToolTip(str(exc))
            theme.mark_problem(self.since, True)
            return
        self.since.setToolTip("")
        theme.mark_problem(self.since, False)
        if not self.targets or self.session is None or self.session.bridge is None:
            return
        self._tasks = [spawn(self._load(since), "log")]

    def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    # --- reading ----------------------------------------------------------------------

    async def _load(self, since: str | None) -> None:
        tail = self.tail.value() or None
        combined = len(self.targets) > 1
        last: dict[str, str] = {}
        if combined:
            # Interleave what is already there by time, then follow each from there on.
            first = await asyncio.gather(*(self._read_all(t, tail, since) for t in self.targets))
            merged = sorted(
                ((line.timestamp, i, line, t) for i, (t, lines) in
                 enumerate(zip(self.targets, first, strict=True)) for line in lines),
                key=lambda item: (item[0], item[1]),
            )  # fmt: skip
            for target, lines in zip(self.targets, first, strict=True):
                if lines:
                    last[target.id] = lines[-1].timestamp
            self.model.append([line for _stamp, _i, line, _target in merged])
        if not self.follow.isChecked() and combined:
            return
        self._tasks += [
            spawn(self._follow(t, tail, since, last.get(t.id), combined), f"log of {t.name}")
            for t in self.targets
        ]

    async def _read_all(
        self, target: LogTarget, tail: int | None, since: str | None
    ) -> list[LogLine]:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return []
        reader = container_log(
            bridge,
            target.id,
            tty=target.tty,
            follow=False,
            tail=tail,
            since=since,
            source=target.name,
        )
        lines: list[LogLine] = []
        try:
            async for batch in reader.batches():
                for piece in batch:
                    lines.extend(piece)
        except EngineError as exc:
            self._notice(f"{target.name}: {exc.in_words(hint=False)}")
        finally:
            await bridge.close_stream(reader)
        return lines

    async def _follow(self, target: LogTarget, tail: int | None, since: str | None,
                      last: str | None, combined: bool) -> None:  # fmt: skip
        """Follow one container's log, saying when it stops, starts again or the engine is
        lost; a stream the engine ends or stalls is read on by the follower."""
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        state = self.session.state if self.session else None
        known = state.of("container").get(target.id) if state else None
        follower = LogFollower(
            bridge, target.id, tty=target.tty, follow=self.follow.isChecked(), tail=tail,
            since=since, last=last or "", source=target.name if combined else "",
            started_at=known.started_at if known else None, stall_check=self.stall_check,
        )  # fmt: skip
        self._followers[target.id] = follower
        try:
            # Closed here, in this task, whatever ends the loop: its streams close with it.
            async with contextlib.aclosing(follower.items()) as items:
                async for item in items:
                    if isinstance(item, LogNote):
                        self._notice(_note_words(target.name, item))
                        continue
                    self.model.append(item)
                    # While a log pours in, the loop gets a turn between batches, and a trickle
                    # is gathered for BATCH_PAUSE first.
                    full = len(item) >= LogFollower.batch_pieces
                    await asyncio.sleep(0 if full else BATCH_PAUSE)
        finally:
            if self._followers.get(target.id) is follower:
                del self._followers[target.id]

    def _on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            follower = self._followers.get(change.key)
            running = getattr(change.item, "state", "") == "running"
            if follower is not None and change.action != "remove" and running:
                follower.container_started()

    def _notice(self, text: str) -> None:
        self.model.append([LogLine(NOTICE, f"— {text}")])

    # --- controls ---------------------------------------------------------------------

    def _on_follow(self, follow: bool) -> None:
        self.view.follow = follow
        self.restart()

    def _show_counts(self, *_: object) -> None:
        shown = self.model.rowCount()
        dropped = self.model.dropped
        text = f"{shown:,} lines"
        if dropped:
            text += (f" · {dropped:,} older lines let go (the view keeps "
                     f"{self.model.max_lines:,}; Export writes the whole log)")  # fmt: skip
        self.status.setText(text)

    def _schedule_recount(self, *_: object) -> None:
        if self.search.text() and not self._recount.isActive():
            self._recount.start()

    def _count_matches(self) -> None:
        pattern = self.pattern()
        if pattern is None:
            return
        self._matches = self.model.matches(pattern)
        if self._match < 0:
            self.match_label.setText(f"{len(self._matches):,} matches")

    def pattern(self) -> re.Pattern[str] | None:
        needle = self.search.text()
        if not needle:
            return None
        flags = 0 if self.case.isChecked() else re.IGNORECASE
        source = needle if self.regex.isChecked() else re.escape(needle)
        try:
            return re.compile(source, flags)
        except re.error as exc:
            self.match_label.setText(f"not a regular expression: {exc}")
            return None

    def _on_search(self, *_: object) -> None:
        pattern = self.pattern()
        self.model.only_matching(pattern if self.only_matching.isChecked() else None)
        self._matches = self.model.matches(pattern) if pattern else []
        self._match = -1
        self.view.set_search(pattern)
        if pattern is not None:
            self.match_label.setText(f"{len(self._matches):,} matches")
        elif not self.search.text():
            self.match_label.setText("")
            self.view.follow = self.follow.isChecked()

    def step(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) match."""
        if not self._matches:
            return
        self._match = (self._match + direction) % len(self._matches)
        row = self._matches[self._match]
        # Looking at a match holds the view still; the log goes on being followed, and the
        # view goes back to its end when the search is cleared or Follow is pressed again.
        self.view.follow = False
        index = self.model.index(row)
        self.view.scrollTo(index)
        self.view.setCurrentIndex(index)
        self.view.set_search(self.pattern(), row)
        self.match_label.setText(f"{self._match + 1:,} of {len(self._matches):,}")

    @asyncSlot()
    async def _on_export(self) -> None:
        if self._export_cancel is not None:
            self._export_cancel.set()
            return
        if len(self.targets) != 1:
            return
        target = self.targets[0]
        path, _ = QFileDialog.getSaveFileName(self, "Export the log", f"{target.name}.log")
        if path:
            await self.export(path)

    async def export(self, path: str) -> int:
        """Write the whole log of the container to `path`; the button cancels it meanwhile."""
        bridge = self.session.bridge if self.session else None
        target = self.targets[0]
        if bridge is None:
            return 0
        cancel = threading.Event()
        self._export_cancel = cancel
        self.export_button.setText("Cancel export")
        try:
            written = await export_container_log(
                bridge, target.id, path, tty=target.tty, cancel=cancel
            )
        except (EngineError, OSError) as exc:
            self.status.setText(f"Export failed: {exc}")
            return 0
        finally:
            self._export_cancel = None
            self.export_button.setText("Export…")
        done = "stopped" if cancel.is_set() else "written"
        self.status.setText(f"{written:,} lines {done} to {path}")
        return written
