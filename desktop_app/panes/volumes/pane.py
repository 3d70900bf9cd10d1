"""The Volumes pane: every volume, who uses it and how big it is; create, remove, prune
(with an exact preview), and a volume's files: browse, download, upload, export, import,
clone. The list, filter, count, empty state and row states come from ListPane."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QWidget
from qasync import asyncSlot

from desktop_app import notify
from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.panes.volumes.details import VolumeDetails
from desktop_app.panes.volumes.dialogs import (
    CreateVolumeDialog,
    PruneDialog,
)
from desktop_app.panes.volumes.files import VolumeFiles
from desktop_app.panes.volumes.rows import VolumeRow, VolumeRows, count_text, rows_of, users_text
from desktop_app.panes.volumes.transfers import VolumeTransfers
from desktop_app.tasks import LatestTask
from engine_bridge import (
    EngineError,
    Operation,
    PrunePlan,
    VolumeUsage,
    create_volume,
    inspect_volume,
    plan_prune,
    prune_volumes,
    remove_volume,
    short_name,
    volumes_disk_usage,
)

if TYPE_CHECKING:
    from desktop_app.panes import PaneContext
    from engine_bridge import EngineState


class VolumesPane(VolumeTransfers):
    """Volumes. Beyond ListPane's: `sizes` (per volume, from the engine's disk usage) and
    `sizes_read` (when), `files` (the file browser open now, if any)."""

    title = "Volumes"
    kind = "volume"
    topic = "volumes"
    concept = "concept.volumes-binds"
    filter_hint = "Filter by name, driver, project, label or container"
    fmt: VolumeRows = VolumeRows()
    follows = frozenset({"container"})

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.show_only = QComboBox()
        self.show_only.addItems(["All volumes", "In use", "Unused"])
        self.show_only.setToolTip("In use: mounted by a container, running or not")
        self.sizes: dict[str, VolumeUsage] = {}
        self.sizes_read: datetime | None = None
        self.files: VolumeFiles | None = None
        self._sizing = LatestTask("volume-sizes")
        self._sizes_again = False
        self._inspecting = LatestTask("volume-inspect")
        super().__init__(context, parent)
        self.show_only.currentIndexChanged.connect(self._on_show_only)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # --- ListPane's hooks -----------------------------------------------------------------

    def make_actions(self) -> None:
        self.create_action = self.action("Create…", "Ctrl+N", "Make a new volume", self._on_create)
        self.remove_action = self.action(
            "Remove", QKeySequence.StandardKey.Delete, "docker volume rm", self._on_remove
        )
        self.prune_action = self.action(
            "Prune…", "", "Remove unused volumes, after a preview", self._on_prune
        )
        self.toolbar.addSeparator()
        self.files_action = self.action(
            "Files…", "Ctrl+O", "Browse, download and upload files", self._on_files
        )
        self.export_action = self.action(
            "Export…", "", "Write the volume's files to a .tar", self._on_export
        )
        self.import_action = self.action(
            "Import…", "", "Unpack a .tar into a new or existing volume", self._on_import
        )
        self.clone_action = self.action(
            "Clone…", "", "A new volume with a copy of the files", self._on_clone
        )
        self.toolbar.addSeparator()
        self.sizes_action = self.action(
            "Sizes", "F5", "Read every volume's size (the engine walks all files)", self._on_sizes
        )

    def header_widgets(self) -> list[QWidget]:
        return [self.show_only]

    def rows_from(self, state: EngineState) -> list[VolumeRow]:
        return rows_of(state.of("volume").values(), state.of("container").values(), self.sizes)

    def count_text(self, rows: object) -> str:
        return count_text(self.model.rows(), self.sizes_read, datetime.now(UTC))

    def make_details(self) -> VolumeDetails:
        return VolumeDetails()

    def show_details(self, row: VolumeRow | None) -> None:
        assert isinstance(self.details, VolumeDetails)
        self.details.show_row(row)
        if row is not None and self.session is not None and self.session.bridge is not None:
            self._inspecting.start(self._inspect(row))

    async def _inspect(self, row: VolumeRow) -> None:
        assert self.session is not None
        assert self.session.bridge is not None
        try:
            document = await inspect_volume(self.session.bridge, row.name)
        except EngineError:
            return
        if isinstance(self.details, VolumeDetails) and self.details.row == row:
            self.details.show_row(row, document)

    def connected(self) -> None:
        self.sizes, self.sizes_read = {}, None

    def reveal_hidden(self) -> None:
        self.show_only.setCurrentIndex(0)

    def let_go(self) -> None:
        self._sizes_again = False
        self._sizing.cancel()

    def first_shown(self) -> None:
        self._read_sizes()

    def update_actions(self) -> None:
        live = self.live
        rows = self.selected_rows()
        one = self.selected()
        for action in (
            self.create_action,
            self.prune_action,
            self.import_action,
            self.sizes_action,
        ):
            action.setEnabled(live)
        self.remove_action.setEnabled(live and bool(rows))
        for action in (self.files_action, self.export_action, self.clone_action):
            action.setEnabled(live and one is not None)

    # --- sizes ----------------------------------------------------------------------------

    def _read_sizes(self) -> None:
        if self.session is None or self.session.bridge is None:
            return
        if self._sizing.running:
            # The engine runs one disk usage at a time and refuses a second: read again
            # once this one is done.
            self._sizes_again = True
            return
        self._sizing.start(self._sizes())

    async def _sizes(self) -> None:
        assert self.session is not None
        assert self.session.bridge is not None
        self.count_label.setText(self.count_label.text() + " · reading sizes…")
        try:
            self.sizes = await volumes_disk_usage(self.session.bridge)
            self.sizes_read = datetime.now(UTC)
            self.refresh_rows()
        except EngineError as exc:
            self.say(notify.of_error(exc, hint=False))
        finally:
            self._update_counts()
        if self._sizes_again:
            self._sizes_again = False
            self._sizing.task = None  # this one ends here: the next is not its replacement
            self._sizing.start(self._sizes())

    def _on_sizes(self) -> None:
        self._read_sizes()

    def _tick(self) -> None:
        self.fmt.now = datetime.now(UTC)
        self._update_counts()

    def _on_show_only(self, index: int) -> None:
        keep = {0: lambda r: True, 1: lambda r: r.in_use, 2: lambda r: not r.in_use}[index]
        self.proxy.set_keep(keep)

    # --- create, remove, prune -------------------------------------------------------------

    @asyncSlot()
    async def _on_create(self) -> None:
        dialog = CreateVolumeDialog(self)
        if await self.ask(dialog):
            name, driver, options, labels = dialog.values()
            await self.create_volume(name, driver, options, labels)

    async def create_volume(
        self,
        name: str,
        driver: str = "local",
        options: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Operation[str] | None:
        done = await self.perform(create_volume(name, driver, options, labels))
        if done is not None and done.result:
            self.say(notify.good(f"Created volume {short_name(done.result)}."))
            self.select_when_listed(done.result)
        return done

    @asyncSlot()
    async def _on_remove(self) -> None:
        await self.remove(self.selected_rows())

    async def remove(self, rows: list[VolumeRow]) -> bool:
        """Remove volumes after asking; refused, with the names, while containers use them."""
        used = [r for r in rows if r.in_use]
        if used:
            lines = "".join(
                f"<li><b>{short_name(r.name)}</b>: {users_text(r.users, 6)}</li>" for r in used
            )
            await self.ask(
                ChoiceDialog(
                    "Volume in use",
                    "<p>These volumes are used by containers and cannot be removed:</p>"
                    f"<ul>{lines}</ul><p>Remove those containers first (stopped ones count "
                    "too), then the volume.</p>",
                    [],
                    self,
                )
            )
            self.say(
                notify.bad(f"Not removed: {', '.join(short_name(r.name) for r in used)} in use.")
            )
            return False
        if not rows:
            return False
        names = ", ".join(short_name(r.name) for r in rows)
        dialog = ChoiceDialog(
            "Remove volumes" if len(rows) > 1 else "Remove volume",
            f"<p>Remove <b>{names}</b>? Every file in {'them' if len(rows) > 1 else 'it'} is "
            "deleted for good; export first to keep a copy.</p>",
            [("remove", "Remove")],
            self,
            destructive=["remove"],
        )
        if not await self.ask(dialog) or dialog.chosen != "remove":
            return False
        ok = True
        for row in rows:
            ok = (
                await self.perform(
                    remove_volume(row.name),
                    key=row.name,
                    done=f"Removed volume {short_name(row.name)}.",
                )
                is not None
                and ok
            )
        return ok

    @asyncSlot()
    async def _on_prune(self) -> None:
        await self.prune_dialog()

    def prune_plan(self, named_too: bool = False, label: str | None = None) -> PrunePlan:
        assert self.session is not None
        assert self.session.state is not None
        state = self.session.state
        in_use = {
            m.name for c in state.of("container").values() for m in c.mounts if m.type == "volume"
        }
        facts = self.session.facts
        return plan_prune(
            state.of("volume").values(),
            in_use,
            facts.api_version if facts else "1.41",
            named_too,
            label,
        )

    async def prune_dialog(self, label: str | None = None) -> Operation[list[str]] | None:
        if self.session is None or self.session.state is None:
            return None
        plan = self.prune_plan(label=label)
        volumes = {r.name: r for r in self.model.rows()}
        dialog = PruneDialog(
            plan,
            {n: r.size for n, r in volumes.items()},
            {n for n, r in volumes.items() if r.volume.anonymous},
            self,
            _projects(volumes.values()),
        )
        dialog.named_too.toggled.connect(lambda on: dialog.show_plan(self.prune_plan(on, label)))
        if not await self.ask(dialog):
            return None
        done = await self.perform(prune_volumes(dialog.plan))
        if done is not None:
            count = len(done.result or [])
            self.say(notify.good(f"Pruned {count} volume{'s' if count != 1 else ''}."))
        return done

    # --- screenshots ----------------------------------------------------------------------

    async def pictures(self) -> AsyncIterator[tuple[str, QWidget | None]]:
        """The close looks `dockyard --screenshot` saves: a volume's details, its files,
        and the prune preview."""
        rows = self.model.rows()
        if not rows:
            return
        chosen = max(rows, key=lambda r: (r.in_use, r.size or 0, not r.volume.anonymous))
        self.select(chosen.name)
        await asyncio.sleep(0.5)
        yield "volume-details", None
        files = self.open_files(chosen)
        if files is not None:
            for _ in range(200):
                if files.tree_data is not None:
                    break
                await asyncio.sleep(0.05)
            tree = files.tree_data
            first = (
                next((e for e in tree.children("") if e.kind == "folder"), None) if tree else None
            )
            if first is not None:
                files.select_path(first.path)
            await asyncio.sleep(0.2)
            yield "volume-files", files
            files.close()
        if self.session is not None and self.session.state is not None:
            dialog = PruneDialog(
                self.prune_plan(),
                {r.name: r.size for r in rows},
                {r.name for r in rows if r.volume.anonymous},
                self,
                _projects(rows),
            )
            dialog.show()
            await asyncio.sleep(0.3)
            yield "volume-prune-preview", dialog
            dialog.close()


def _projects(rows: Iterable[VolumeRow]) -> dict[str, str]:
    return {r.name: r.volume.compose_project for r in rows if r.volume.compose_project}
