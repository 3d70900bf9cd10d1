"""The Builds pane: build an image from a Dockerfile and watch its steps, and the history of
every build the app ran (kept across restarts), to read again, build again or forget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget
from qasync import asyncSlot

from desktop_app.panes import PaneContext
from desktop_app.panes.base import ListPane
from desktop_app.panes.builds.history import BuildHistory, BuildRecord, record_of
from desktop_app.panes.builds.rows import BuildRows
from desktop_app.presentation import counted
from engine_bridge import (
    BuildProgress,
    BuildSpec,
    EngineError,
    EngineState,
    ErrorKind,
    Operation,
    build_image,
)

if TYPE_CHECKING:
    from desktop_app.panes.builds.details import BuildDetails


class BuildsPane(ListPane[BuildRecord]):
    """Beyond ListPane's attributes: `history`, `build_action`, `again_action`,
    `forget_action`, `running` (the build under way, if any)."""

    title = "Builds"
    kind = "build"
    topic = "builds"
    filter_hint = "Filter by tag, folder or outcome"
    fmt: BuildRows = BuildRows()

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.history = BuildHistory()
        self.running: Operation[BuildProgress] | None = None
        super().__init__(context, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.sortByColumn(0, self.view.horizontalHeader().sortIndicatorOrder().DescendingOrder)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self.refresh_rows()

    # --- ListPane's hooks -----------------------------------------------------------------

    def make_actions(self) -> None:
        self.build_action = self.action("Build…", "Ctrl+B", "Build an image from a Dockerfile",
                                        self._on_build)  # fmt: skip
        self.again_action = self.action(
            "Build again", "Ctrl+Shift+B", "The same build, with the same settings", self._on_again
        )
        self.forget_action = self.action(
            "Remove from history", QKeySequence.StandardKey.Delete,
            "Forget these builds (their images stay)", self._on_forget,
        )  # fmt: skip

    def current_rows(self) -> list[BuildRecord]:
        return self.history.records()  # kept by the app: listed with or without an engine

    def rows_from(self, state: EngineState) -> list[BuildRecord]:
        return self.history.records()

    def count_text(self, rows: Sequence[BuildRecord]) -> str:
        if not rows:
            return ""
        failed = sum(1 for r in rows if r.outcome == "failed")
        return counted(len(rows), "build") + (f" · {failed} failed" if failed else "")

    def make_details(self) -> BuildDetails:
        from desktop_app.panes.builds.details import BuildDetails

        return BuildDetails()

    def show_details(self, row: BuildRecord | None) -> None:
        details = self.details
        assert details is not None
        details.show_record(row)  # type: ignore[attr-defined]

    def update_actions(self) -> None:
        live = self.live
        self.build_action.setEnabled(live and self.running is None)
        self.again_action.setEnabled(live and self.running is None and self.selected() is not None)
        self.forget_action.setEnabled(bool(self.selected_rows()))

    def _tick(self) -> None:
        self.fmt.now = datetime.now(UTC)
        self.view.viewport().update()

    # --- building -------------------------------------------------------------------------

    @asyncSlot()
    async def _on_build(self) -> None:
        await self.build_dialog()

    @asyncSlot()
    async def _on_again(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.build_dialog(chosen.spec)

    async def build_dialog(self, spec: BuildSpec | None = None) -> BuildRecord | None:
        from desktop_app.panes.builds.build_dialog import BuildDialog

        dialog = BuildDialog(spec, self)
        if not await self.ask(dialog):
            return None
        return await self.build(dialog.spec())

    async def build(self, spec: BuildSpec) -> BuildRecord | None:
        """Run the build, its steps shown as they come; keep it in the history however it
        ends. The record kept, or None without an engine."""
        if self.session is None:
            return None
        operation = build_image(spec)
        self.running = operation
        self.update_actions()
        details = self.details
        assert details is not None
        self.view.clearSelection()
        details.show_record(None)  # type: ignore[attr-defined]
        details.show_tab("Steps")  # type: ignore[attr-defined]
        details.show()
        watch = self.session.operation_changed
        watch.connect(self._on_progress)
        started = time.time()
        try:
            await self.perform(operation, done=f"Built {', '.join(spec.tags) or 'the image'}.")
        finally:
            watch.disconnect(self._on_progress)
            self.running = None
        error = operation.error
        outcome = {"SUCCEEDED": "succeeded", "CANCELLED": "cancelled"}.get(
            operation.state.name, "failed")  # fmt: skip
        if isinstance(error, EngineError) and error.kind is ErrorKind.CANCELLED:
            outcome = "cancelled"
        live = operation.live if isinstance(operation.live, BuildProgress) else None
        engine = self.session.provider.label if self.session is not None else ""
        why = error.in_words(hint=False) if error and outcome == "failed" else ""
        took = time.time() - started
        record = record_of(spec, live, outcome, started, took, engine, why)
        self.history.add(record)
        self.select_when_listed(record.id)
        self.refresh_rows()
        self.update_actions()
        return record

    def _on_progress(self, operation: Operation[object]) -> None:
        if operation is self.running and isinstance(operation.live, BuildProgress):
            details = self.details
            assert details is not None
            details.show_progress(operation.live)  # type: ignore[attr-defined]

    async def pictures(self) -> AsyncIterator[tuple[str, QWidget | None]]:
        """The close looks `dockyard --screenshot` saves: the newest build's steps, and the
        Build dialog filled to build it again."""
        records = self.history.records()
        if not records:
            return
        self.select(records[0].id)
        details = self.details
        assert details is not None
        details.show_tab("Steps")  # type: ignore[attr-defined]
        await asyncio.sleep(0.3)
        yield "build-steps", None
        from desktop_app.panes.builds.build_dialog import BuildDialog

        dialog = BuildDialog(records[0].spec, self)
        dialog.show()
        await asyncio.sleep(0.8)  # the context is read in the background
        yield "build-dialog", dialog
        dialog.close()
        dialog.deleteLater()

    # --- forgetting -------------------------------------------------------------------------

    def _on_forget(self) -> None:
        chosen = self.selected_rows()
        if chosen:
            self.history.remove({r.id for r in chosen})
            self.refresh_rows()
            self.say(
                f"Removed {counted(len(chosen), 'build')} from the history; their images stay."
            )
