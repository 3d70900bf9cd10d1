"""The Builds pane: build an image from a Dockerfile and watch its steps, and the history of
every build the app ran (kept across restarts), to read again, build again or forget."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget
from qasync import asyncSlot

from desktop_app.panes import PaneContext
from desktop_app.panes.base import ListPane
from desktop_app.panes.builds.history import BuildHistory, BuildRecord, record_of
from desktop_app.panes.builds.rows import BuildRows
from desktop_app.presentation import counted
from engine_bridge import (
    BuildProgress,
    BuildSpec,
    Credentials,
    EngineError,
    EngineState,
    ErrorKind,
    Operation,
    build_image,
    dockerfile_excerpt,
    failing_line,
    run_blocking,
    step_inputs_of,
)

if TYPE_CHECKING:
    from desktop_app.panes.builds.details import BuildDetails


class BuildsPane(ListPane[BuildRecord]):
    """Beyond ListPane's attributes: `history`, `build_action`, `again_action`,
    `forget_action`, `running` (the build under way, if any)."""

    title = "Builds"
    kind = "build"
    topic = "builds"
    concept = "concept.layers-cache"
    filter_hint = "Filter by tag, folder or outcome"
    fmt: BuildRows = BuildRows()

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.history = BuildHistory()
        self.running: Operation[BuildProgress] | None = None
        self.show_only = QComboBox()
        self.show_only.setAccessibleName("Show only")
        self.show_only.addItems(["All builds", "Succeeded", "Failed", "Cancelled"])
        super().__init__(context, parent)
        self.show_only.currentTextChanged.connect(self._on_show_only)
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
        self.builders_action = self.action(
            "Builders and cache…", "", "Which builder builds, and the build cache with a prune",
            self._on_builders,
        )  # fmt: skip
        self.forget_action = self.action(
            "Remove from history", QKeySequence.StandardKey.Delete,
            "Forget these builds (their images stay)", self._on_forget,
        )  # fmt: skip

    def header_widgets(self) -> list[QWidget]:
        return [self.show_only]

    def _on_show_only(self, words: str) -> None:
        wanted = words.lower()
        self.proxy.set_keep(lambda r: wanted == "all builds" or r.outcome == wanted)

    def reveal_hidden(self) -> None:
        self.show_only.setCurrentIndex(0)

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
        previous = self.history.before(row) if row is not None else None
        details.show_record(row, previous)  # type: ignore[attr-defined]

    def update_actions(self) -> None:
        live = self.live
        self.build_action.setEnabled(live and self.running is None)
        self.again_action.setEnabled(live and self.running is None and self.selected() is not None)
        self.forget_action.setEnabled(bool(self.selected_rows()))
        self.builders_action.setEnabled(live)

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
        logins = await run_blocking(None, self._logins)
        operation = build_image(spec, logins)
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
            inputs = await run_blocking(None, step_inputs_of, spec)
        except OSError:
            inputs = []
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
        record = record_of(spec, live, outcome, started, took, engine, why, inputs)
        if outcome == "failed" and live is not None and live.current is not None:
            line = failing_line(spec, live.current.number) or 0
            excerpt = tuple(dockerfile_excerpt(spec, line)) if line else ()
            record = dataclasses.replace(record, failed_line=line, excerpt=excerpt)
        self.history.add(record)
        self.select_when_listed(record.id)
        self.refresh_rows()
        self.update_actions()
        return record

    def _logins(self) -> list[Credentials]:
        """Every registry login kept (blocking: the keyring), for base images to pull."""
        store = self.context.credentials
        if not store.available()[0]:
            return []
        found = (store.get(host) for host in store.registries())
        return [login for login in found if login is not None]

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
        if self.session is not None:
            from desktop_app.panes.builds.builders_dialog import BuildersDialog

            builders = BuildersDialog(self.session, self)
            builders.show()
            await builders.load()
            await asyncio.sleep(0.2)
            yield "builders-and-cache", builders
            builders.close()
            builders.deleteLater()

    @asyncSlot()
    async def _on_builders(self) -> None:
        await self.builders_dialog()

    async def builders_dialog(self) -> None:
        from desktop_app.panes.builds.builders_dialog import BuildersDialog

        if self.session is None:
            return
        dialog = BuildersDialog(self.session, self)
        asking = asyncio.ensure_future(self.ask(dialog))
        await dialog.load()
        await asking

    # --- forgetting -------------------------------------------------------------------------

    def _on_forget(self) -> None:
        chosen = self.selected_rows()
        if chosen:
            self.history.remove({r.id for r in chosen})
            self.refresh_rows()
            self.say(
                f"Removed {counted(len(chosen), 'build')} from the history; their images stay."
            )
