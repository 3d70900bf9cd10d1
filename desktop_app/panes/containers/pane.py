"""The Containers pane: the live list, its filter, and the actions on the selection."""

from __future__ import annotations

import asyncio
import functools
import html
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHeaderView,
    QMenu,
    QTreeView,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import notify, theme
from desktop_app.dialogs import ask
from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.learning import text
from desktop_app.panes import PaneContext
from desktop_app.panes.base import PaneFrame
from desktop_app.panes.containers.filter import ContainerFilter
from desktop_app.panes.containers.model import (
    COLUMNS,
    CONTAINER_ROLE,
    CPU,
    CREATED,
    IMAGE,
    MEMORY,
    NAME,
    PORTS,
    RESTART,
    SPARKLINE_ROLE,
    STATUS,
    ContainersModel,
)
from desktop_app.panes.containers.rows import browser_urls, free_name, free_ports
from desktop_app.session import EngineSession
from desktop_app.widgets.row_actions import Verb
from desktop_app.widgets.sparkline import SparklineDelegate
from engine_bridge import (
    Change,
    Connection,
    ConnectionChange,
    ContainerRef,
    ContainerSummary,
    EngineError,
    NetworkSummary,
    Operation,
    RestartPolicy,
    blueprint_of_container,
    connect_container,
    disconnect_container,
    kill_container,
    pause_container,
    remove_container,
    restart_container,
    start_container,
    stop_container,
    unpause_container,
)
from engine_bridge.specs.container_config import docker_run_text

if TYPE_CHECKING:  # imported when first used: start-up does not pay for them
    from desktop_app.dialogs.run_container import RunDialog
    from desktop_app.panes.containers.details import ContainerDetails
    from desktop_app.panes.containers.restart_policy_dialog import RestartPolicyDialog
    from engine_bridge.specs.run_form import RunForm

MakeOperation = Callable[[ContainerRef], Operation[Any]]


class ContainersPane(PaneFrame):
    """Every container of the engine, grouped by Compose project.

    Signals: `loaded()` once the first full list has arrived.
    Attributes beyond the frame's: `model`, `proxy`, `show_stopped`, and one QAction per
    action (`start_action`, ...).
    """

    loaded = Signal()
    terminal_requested = Signal(object, list, str)  # ContainerRef, command, user
    attach_requested = Signal(object)  # ContainerRef
    title = "Containers"
    topic = "containers"
    concept = "concept.image-container"
    filter_hint = "Filter by name, image or ID"
    view: QTreeView

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.show_stopped = QCheckBox("Show stopped")
        self.show_stopped.setChecked(True)
        self.show_stopped.setToolTip("Like docker ps -a: include containers that are not running")
        self.remove_dialog: QDialog | None = None
        self._select_when_listed: str | None = None
        self._loaded = False
        self._placeholder_due = False
        super().__init__(context, parent)
        self.filter_box.textChanged.connect(self._on_filter)
        self.show_stopped.toggled.connect(self._on_show_stopped)
        self.view.selectionModel().selectionChanged.connect(self.update_actions)
        self.model.dataChanged.connect(self._on_rows_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self._details_timer = QTimer(self, singleShot=True, interval=300)
        self._details_timer.timeout.connect(self._on_details_due)
        self.run_dialog: RunDialog | None = None
        self.policy_dialog: RestartPolicyDialog | None = None
        self.command_dialog: QDialog | None = None
        self.doctor_dialog: QDialog | None = None

        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.proxy.layoutChanged,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
        ):
            signal.connect(self._schedule_placeholder)  # fmt: skip
        # Time passes in the Status and Created columns: every row each 30 s, and each
        # second the rows young enough to count in seconds.
        self._clock = QTimer(self, interval=30_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._seconds = QTimer(self, interval=1_000)
        self._seconds.timeout.connect(self._tick_young)
        self._seconds.start()
        self.update_actions()
        self._update_placeholder()

    # --- the frame's hooks ------------------------------------------------------------

    def make_view(self) -> QTreeView:
        self.model = ContainersModel(self)
        self.proxy = ContainerFilter(self)
        self.proxy.setSourceModel(self.model)
        view = QTreeView()
        view.setModel(self.proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.setUniformRowHeights(True)
        view.setAllColumnsShowFocus(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_context_menu)
        view.clicked.connect(self._on_clicked)
        header = view.header()
        header.setStretchLastSection(False)
        self.sparklines = SparklineDelegate(SPARKLINE_ROLE, view)
        view.setItemDelegateForColumn(CPU, self.sparklines)
        view.setItemDelegateForColumn(MEMORY, self.sparklines)
        for column, width in (
            (NAME, 180), (IMAGE, 160), (STATUS, 150), (CPU, 125), (MEMORY, 125), (PORTS, 150),
            (RESTART, 80), (CREATED, 110),
        ):  # fmt: skip
            view.setColumnWidth(column, width)
        header.setSectionResizeMode(PORTS, QHeaderView.ResizeMode.Stretch)
        return view

    def make_actions(self) -> None:
        self.run_action = self.action("Run…", "Ctrl+N", "Create and start a new container",
                                      self._on_run_new)  # fmt: skip
        self.toolbar.addSeparator()
        start_tip, stop_tip = "Start the selected containers", "SIGTERM, then SIGKILL after 10 s"
        self.start_action = self.action("Start", "Ctrl+Shift+S", start_tip, self._on_start)
        self.stop_action = self.action("Stop", "Ctrl+Shift+X", stop_tip, self._on_stop)
        restart_tip, pause_tip = "Stop, then start again", "Freeze or thaw every process inside"
        self.restart_action = self.action("Restart", "Ctrl+Shift+R", restart_tip, self._on_restart)
        self.pause_action = self.action("Pause", "Ctrl+Shift+P", pause_tip, self._on_pause_toggle)
        self.kill_action = self.action(
            "Kill", "Ctrl+Shift+K", "Send SIGKILL at once, after asking", self._on_kill
        )
        self.remove_action = self.action("Remove", QKeySequence.StandardKey.Delete, "Delete",
                                         self._on_remove)  # fmt: skip

    def header_widgets(self) -> list[QWidget]:
        return [self.show_stopped]

    def make_details(self) -> ContainerDetails:
        from desktop_app.panes.containers.details import ContainerDetails

        details = ContainerDetails()
        details.attach(self.session)
        return details

    def on_screen_changed(self) -> None:
        self._update_stats_interest()
        # Words that change with time are worked out while someone can read them.
        if self.on_screen:
            self.model.tick(datetime.now(UTC))
            self._clock.start()
            self._seconds.start()
        else:
            self._clock.stop()
            self._seconds.stop()

    # --- the engine -------------------------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        """Show the containers of `session`'s engine (None: of no engine)."""
        self._details_timer.stop()  # a reload due for the engine being left is not wanted
        if self.session is not None:
            self.session.resources_changed.disconnect(self._on_changes)
            self.session.connection_changed.disconnect(self._on_connection)
            self.session.stats.updated.disconnect(self._on_stats)
            self.session.stats.want(self.title, ())
        self.session = session
        self.model.stats_of = session.stats.history if session is not None else lambda _id: None
        self.model.apply([Change("container", "remove", c.id, c) for c in self.model.containers()])
        self._loaded = False
        if session is not None:
            session.resources_changed.connect(self._on_changes)
            session.connection_changed.connect(self._on_connection)
            session.stats.updated.connect(self._on_stats)
        if self._details is not None:
            self.details.attach(session)
        self._update_placeholder()

    def _on_changes(self, changes: Sequence[Change]) -> None:
        self.model.apply(changes)
        pending = self._select_when_listed
        if pending is not None and self.model.container(pending) is not None:
            self._select_when_listed = None
            self.select_when_listed(pending)
        shown = self.details.container_id if self._details is not None else None
        if shown is not None and any(c.key == shown for c in changes):
            self._details_timer.start()  # the engine changed it: read it again, once

    @property
    def details(self) -> ContainerDetails:
        """The details under the list, made the first time one container is selected."""
        return cast("ContainerDetails", super().details)

    def _on_selection(self, *_: object) -> None:
        rows = self.view.selectionModel().selectedRows(0)
        project = (
            rows[0].data() if len(rows) == 1 and rows[0].data(CONTAINER_ROLE) is None else None
        )
        if project is not None:
            self.details.show()
            if self.details.project != project:
                self.details.show_project(project, [c.id for c in self.selected()])
            return
        chosen = self.selected()
        single = chosen[0].id if len(chosen) == 1 else None
        if single is None and self._details is None:
            return
        self.details.setVisible(single is not None)
        if single != self.details.container_id or self.details.project is not None:
            self.details.show_container(single)

    @asyncSlot()
    async def _on_details_due(self) -> None:
        await self.details.reload()

    def _on_connection(self, change: ConnectionChange) -> None:
        if change.status is not Connection.LIVE:
            return
        if not self._loaded:
            self._loaded = True
            self._open_projects()
            self._update_placeholder()
            self.loaded.emit()
        elif self._details is not None and self.details.container_id is not None:
            # Back after a loss: the details may have failed to load meanwhile (and say
            # so), or be stale; the list alone would not ask for them again.
            self._details_timer.start()

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    # --- filter and placeholder -------------------------------------------------------

    def _on_filter(self, value: str) -> None:
        self.proxy.set_text(value)
        self._open_projects()

    def _on_show_stopped(self, show: bool) -> None:
        self.proxy.set_show_stopped(show)
        self._open_projects()

    def _open_projects(self) -> None:
        """Open every Compose project's row. Not expandAll(): that keeps an index of every
        row, leaves too, which Qt then walks (asking this Python model) on each removal."""
        proxy, view = self.proxy, self.view
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if proxy.rowCount(index):
                view.expand(index)

    def _on_rows_changed(self, first: QModelIndex, last: QModelIndex, *_: object) -> None:
        if first.column() >= CPU and last.column() <= MEMORY:
            return  # new readings: nothing about the rows themselves changed
        self.update_actions()
        self._schedule_placeholder()

    def _schedule_placeholder(self, *_: object) -> None:
        """Look at the counts once per turn of the event loop, not once per row."""
        if not self._placeholder_due:
            self._placeholder_due = True
            QTimer.singleShot(0, self._update_placeholder)

    def _update_placeholder(self, *_: object) -> None:
        self._placeholder_due = False
        self._update_stats_interest()
        total = len(self.model.containers())
        shown = sum(1 for c in self.model.containers() if self._accepts(c))
        running = sum(1 for c in self.model.containers() if c.state == "running")
        self.count_label.setText(f"{running} running, {total} in all" if total else "")
        if total and shown:
            self.show_list(None)
        elif total:
            self.show_list(self.learning_html("containers.filtered", next_step=False))
        elif self._loaded:
            self.show_list(self.learning_html("containers.empty"))
        elif self.session is not None:
            muted = theme.colour("muted")
            self.show_list(f"<p style='color:{muted}'>Waiting for the engine…</p>")
        else:
            self.show_list(
                f"<h3>{text('engine.none', 'title')}</h3>"
                "<p>Containers show here once Dockyard is connected to an engine. "
                "The Engine page says why none is, and can start Dockyard's own.</p>"
            )

    def _accepts(self, c: ContainerSummary) -> bool:
        return self.proxy.accepts(c)

    # --- live stats -------------------------------------------------------------------

    def _update_stats_interest(self) -> None:
        """Stream stats for the running containers the list shows, and only while it shows."""
        if self.session is None:
            return
        shown: list[str] = []
        if self.isVisible():
            shown = [
                c.id for c in self.model.containers() if c.state == "running" and self._accepts(c)
            ]
        self.session.stats.want(self.title, shown)

    def _on_stats(self) -> None:
        """New readings: redraw just the CPU and Memory cells on screen.

        Telling the view that every row changed would make it redraw every cell of every
        visible row, each asking the model for a dozen roles, once a second. Only when the
        list is sorted by CPU or memory must the rows move, and then the model says so.
        """
        self.model.stats_changed()
        view = self.view
        height = view.viewport().height()
        index = view.indexAt(QPoint(1, 1))
        while index.isValid():
            rect = view.visualRect(index)
            if rect.top() > height:
                break
            view.update(index.siblingAtColumn(CPU))
            view.update(index.siblingAtColumn(MEMORY))
            index = view.indexBelow(index)

    # --- selection and actions --------------------------------------------------------

    def selected(self) -> list[ContainerSummary]:
        """The selected containers; a selected project row stands for all of its containers."""
        found: dict[str, ContainerSummary] = {}
        for index in self.view.selectionModel().selectedRows(0):
            container = index.data(CONTAINER_ROLE)
            if container is not None:
                found[container.id] = container
                continue
            for row in range(self.proxy.rowCount(index)):
                child = self.proxy.index(row, 0, index).data(CONTAINER_ROLE)
                if child is not None:
                    found[child.id] = child
        return [self.model.container(cid) or c for cid, c in found.items()]

    def row_verbs(self, index: QModelIndex) -> list[Verb]:
        """The common verbs of the container on a row, for its hover buttons."""
        container = index.data(CONTAINER_ROLE)
        if container is None or not self.live:
            return []
        ref = ContainerRef(container.id, container.name)
        if container.state in ("running", "paused", "restarting"):
            verbs: list[Verb] = [("stop", "Stop", self.stop_action.trigger)]
            if container.state == "running":
                verbs.append(("terminals", "Open a terminal", lambda: self._on_open_terminal(ref)))
        else:
            verbs = [("play", "Start", self.start_action.trigger)]
        verbs.append(("logs", "Show the logs", lambda: self._show_tab("Logs")))
        verbs.append(("trash", "Remove…", self.remove_action.trigger))
        return verbs

    def choose_row(self, index: QModelIndex) -> None:
        container = index.data(CONTAINER_ROLE)
        if container is not None:
            self.select([container.name])
            self.update_actions()

    def _tick(self) -> None:
        """Every row's time words again, drawn again."""
        self.model.tick(datetime.now(UTC))
        self.view.viewport().update()

    def _tick_young(self) -> None:
        if self.model.tick_young(datetime.now(UTC)):
            self.view.viewport().update()

    def show_tab(self, title: str) -> None:
        """Show a tab of the details (Logs, Stats, …) of the selection."""
        self._show_tab(title)

    def _show_tab(self, title: str) -> None:
        details = self.details
        if details is not None:
            details.show_tab(title)

    def findables(self) -> list[tuple[str, str]]:
        return [(c.name, c.name) for c in self.model.containers()]

    def reveal(self, key: str) -> None:
        self.filter_box.clear()
        self.show_stopped.setChecked(True)
        self.select([key])

    def select(self, names: Sequence[str]) -> None:
        """Select the containers with these names (for tests and keyboard users)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        wanted = set(names)

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                container = index.data(CONTAINER_ROLE)
                if container is not None and container.name in wanted:
                    selection.select(
                        index,
                        selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                    )
                walk(index)

        walk(QModelIndex())
        self.view.setFocus()

    def update_actions(self, *_: object) -> None:
        chosen = self.selected()
        live = self.session is not None and self.session.live
        states = {c.state for c in chosen}
        stoppable = states & {"running", "paused", "restarting"}
        self.run_action.setEnabled(live)
        self.start_action.setEnabled(live and bool(states & {"created", "exited", "dead"}))
        self.stop_action.setEnabled(live and bool(stoppable))
        self.restart_action.setEnabled(live and bool(chosen))
        self.kill_action.setEnabled(live and bool(states & {"running", "restarting"}))
        self.remove_action.setEnabled(live and bool(chosen))
        all_paused = bool(chosen) and states == {"paused"}
        self.pause_action.setText("Unpause" if all_paused else "Pause")
        self.pause_action.setEnabled(live and bool(states & {"running", "paused"}))

    @asyncSlot()
    async def _on_start(self) -> None:
        await self._run(
            [c for c in self.selected() if c.state in ("created", "exited", "dead")],
            start_container,
        )

    @asyncSlot()
    async def _on_stop(self) -> None:
        await self.stop_selected()

    async def stop_selected(self) -> None:
        await self._run(
            [c for c in self.selected() if c.state in ("running", "paused", "restarting")],
            stop_container,
        )

    @asyncSlot()
    async def _on_restart(self) -> None:
        await self._run(self.selected(), restart_container)

    @asyncSlot()
    async def _on_pause_toggle(self) -> None:
        chosen = self.selected()
        if chosen and all(c.state == "paused" for c in chosen):
            await self._run(chosen, unpause_container)
        else:
            await self._run([c for c in chosen if c.state == "running"], pause_container)

    @asyncSlot()
    async def _on_kill(self) -> None:
        await self.kill(self.selected())

    async def kill(self, chosen: list[ContainerSummary]) -> bool:
        """Kill the running ones of `chosen`, after asking (as Remove asks)."""
        running = [c for c in chosen if c.state in ("running", "restarting")]
        if not running:
            return False
        names = ", ".join(c.name for c in running[:6]) + (" …" if len(running) > 6 else "")
        dialog = ChoiceDialog(
            "Kill containers" if len(running) > 1 else "Kill container",
            f"<p>Kill <b>{names}</b>? Their processes end at once (SIGKILL), with no chance to "
            "save their work or shut down cleanly. Stop asks them to end first.</p>",
            [("kill", "Kill")], self, destructive=["kill"],
        )  # fmt: skip
        if not await ask(dialog, self) or dialog.chosen != "kill":
            return False
        await self._run(running, kill_container)
        return True

    @asyncSlot()
    async def _on_remove(self) -> None:
        await self.remove_selected()

    async def remove_selected(self) -> None:
        """Remove the chosen containers, after the Remove dialog (`remove_dialog`) asked."""
        chosen = self.selected()
        if not chosen:
            return
        from desktop_app.panes.containers.remove_dialog import RemoveContainersDialog

        dialog = RemoveContainersDialog(chosen, self)
        accepted = await ask(dialog, self, "remove_dialog")
        force, volumes = dialog.force, dialog.volumes_box.isChecked()
        if accepted:
            await self._run(chosen, lambda ref: remove_container(ref, force=force, volumes=volumes))

    async def _run(self, targets: Sequence[ContainerSummary], make: MakeOperation) -> None:
        """Run one operation per container, side by side; each row shows its own progress."""
        session = self.session
        if session is None or not targets:
            return
        await asyncio.gather(*(self._run_one(session, c, make) for c in targets))

    async def _run_one(
        self, session: EngineSession, c: ContainerSummary, make: MakeOperation
    ) -> None:
        await self._act_on(session, c, make(ContainerRef(c.id, c.name)))

    async def _act_on(self, session: EngineSession, c: ContainerSummary,
                      operation: Operation[Any], done: str | None = None) -> bool:  # fmt: skip
        """Run one operation on a container, its row showing it; `done` (when given) is said
        once it succeeded, and a failure is said too. Whether it succeeded."""
        self.model.set_busy(c.id, operation.verb)
        try:
            await session.perform(operation)
        except EngineError as exc:
            self.model.set_error(c.id, exc.in_words(hint=False))
            if done is not None:
                self.say(notify.of_operation(operation))
            return False
        finally:
            self.model.set_busy(c.id, None)
            self.update_actions()
        if done is not None:
            self.say(notify.of_operation(operation, done))
        return True

    # --- creating and changing containers ---------------------------------------------

    @asyncSlot()
    async def _on_run_new(self) -> None:
        await self.open_run_dialog()

    async def open_run_dialog(
        self, form: RunForm | None = None, replacing: ContainerRef | None = None
    ) -> bool:
        """Open the Run dialog (filled from `form`); True when a container was made."""
        if self.session is None:
            return False
        from desktop_app.dialogs.run_container import RunDialog

        dialog = RunDialog(self.session, form, replacing, self)
        accepted = await ask(dialog, self, "run_dialog")
        made = dialog.operation.result if accepted and dialog.operation else None
        if made:
            self.select_when_listed(made)
        return bool(accepted)

    def select_when_listed(self, container_id: str) -> None:
        """Select the container now, or as soon as the engine's events list it (one the
        user just made)."""
        found = self.model.container(container_id)
        if found is not None:
            self.select([found.name])
        else:
            self._select_when_listed = container_id

    async def form_of(self, ref: ContainerRef, keep_name: bool) -> RunForm | None:
        """The Run dialog's fields for a copy of a container (or for itself, recreated)."""
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return None
        try:
            blueprint = await blueprint_of_container(bridge, ref.id)
        except EngineError as exc:
            self.model.set_error(ref.id, exc.in_words(hint=False))
            return None
        from engine_bridge.specs.run_form import RunForm

        form = RunForm.from_spec(blueprint.spec)
        form.blueprint = blueprint
        if not keep_name:
            taken = {c.name for c in self.model.containers()}
            form.name = free_name(f"{blueprint.name}-copy", taken)
            form.ports = free_ports(form.ports, self.model.containers())
        return form

    @asyncSlot()
    async def _on_duplicate(self, ref: ContainerRef, recreate: bool) -> None:
        form = await self.form_of(ref, keep_name=recreate)
        if form is not None:
            await self.open_run_dialog(form, ref if recreate else None)

    @asyncSlot()
    async def _on_restart_policy(self, container: ContainerSummary) -> None:
        if self.session is None:
            return
        current = container.restart_policy or RestartPolicy()
        ref = ContainerRef(container.id, container.name)
        from desktop_app.panes.containers.restart_policy_dialog import RestartPolicyDialog

        dialog = RestartPolicyDialog(self.session, ref, current, self)
        await ask(dialog, self, "policy_dialog")

    @asyncSlot()
    async def _on_open_terminal(self, ref: ContainerRef) -> None:
        from desktop_app.dialogs.terminal_options import OpenTerminalDialog

        dialog = OpenTerminalDialog(ref, self)
        if await ask(dialog):
            self.terminal_requested.emit(ref, dialog.argv(), dialog.user.text().strip())

    @asyncSlot()
    async def _on_run_command(self, ref: ContainerRef) -> None:
        if self.session is None:
            return
        from desktop_app.dialogs.terminal_options import RunCommandDialog

        dialog = RunCommandDialog(self.session, ref, self)
        await ask(dialog, self, "command_dialog")

    @asyncSlot()
    async def _on_copy_run(self, ref: ContainerRef) -> None:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        try:
            blueprint = await blueprint_of_container(bridge, ref.id)
        except EngineError as exc:
            self.model.set_error(ref.id, exc.in_words(hint=False))
            return
        QGuiApplication.clipboard().setText(docker_run_text(blueprint))

    # --- networks ---------------------------------------------------------------------------

    def networks_of(self, container: ContainerSummary) -> list[NetworkSummary]:
        """The networks the container is on, as the engine state has them."""
        state = self.session.state if self.session is not None else None
        if state is None:
            return []
        return sorted((n for n in state.of("network").values()
                       if any(a.container_id == container.id for a in n.containers)),
                      key=lambda n: n.name)  # fmt: skip

    @asyncSlot()
    async def _on_connect_network(self, container: ContainerSummary) -> None:
        await self.connect_network_dialog(container)

    async def connect_network_dialog(self, container: ContainerSummary) -> bool:
        """Put the container on one more network, with aliases and a fixed address."""
        from desktop_app.dialogs.connect_network import ConnectDialog

        state = self.session.state if self.session is not None else None
        if state is None:
            return False
        on = {n.name for n in self.networks_of(container)}
        joinable = sorted((n for n in state.of("network").values()
                           if n.name not in on and n.name not in ("host", "none")),
                          key=lambda n: (n.built_in, n.name))  # fmt: skip
        if not joinable:
            self.say(f"{container.name} is on every network it can join already.")
            return False
        dialog = ConnectDialog(joinable, [container.name], self)
        if not await self.ask(dialog):
            return False
        network = dialog.network.name
        _name, aliases, address = dialog.values()
        operation = connect_container(network, container.name, aliases, address)
        assert self.session is not None
        return await self._act_on(self.session, container, operation,
                                  f"Connected {container.name} to {network}.")  # fmt: skip

    @asyncSlot()
    async def _on_disconnect_network(self, container: ContainerSummary) -> None:
        await self.disconnect_network_dialog(container)

    async def disconnect_network_dialog(self, container: ContainerSummary) -> bool:
        """Take the container off one of its networks, after asking which."""
        networks = self.networks_of(container)
        if not networks:
            return False
        dialog = ChoiceDialog(
            f"Disconnect {container.name}",
            f"Take <b>{html.escape(container.name)}</b> off which network? It keeps running, "
            "on its other networks.",
            [(n.name, n.name) for n in networks],
            self,
        )
        if not await self.ask(dialog) or dialog.chosen is None:
            return False
        operation = disconnect_container(dialog.chosen, container.name)
        assert self.session is not None
        said = f"Disconnected {container.name} from {dialog.chosen}."
        return await self._act_on(self.session, container, operation, said)

    # --- context menu and ports -------------------------------------------------------

    def _on_context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        container = index.siblingAtColumn(0).data(CONTAINER_ROLE) if index.isValid() else None
        menu = QMenu(self)
        menu.setObjectName("containerMenu")
        for action in (
            self.start_action,
            self.stop_action,
            self.restart_action,
            self.pause_action,
            self.kill_action,
        ):
            menu.addAction(action)  # fmt: skip
        menu.addSeparator()
        if container is not None:
            for url in browser_urls(container):
                menu.addAction(f"Open {url} in the browser", functools.partial(self._open, url))
            if any(p.protocol == "tcp" for p in container.ports):
                menu.addAction("Why does the page show nothing?…",
                               functools.partial(self._on_port_doctor, container))  # fmt: skip
            ref = ContainerRef(container.id, container.name)
            if container.state == "running":
                menu.addAction("Open terminal…", functools.partial(self._on_open_terminal, ref))
                menu.addAction("Attach", lambda: self.attach_requested.emit(ref))
                menu.addAction("Run a command…", functools.partial(self._on_run_command, ref))
                menu.addSeparator()
            menu.addAction("Duplicate…", functools.partial(self._on_duplicate, ref, False))
            menu.addAction(
                "Recreate with changes…", functools.partial(self._on_duplicate, ref, True)
            )
            menu.addAction("Restart policy…", functools.partial(self._on_restart_policy, container))
            menu.addAction("Connect to a network…",
                           functools.partial(self._on_connect_network, container))  # fmt: skip
            if self.networks_of(container):
                leave = functools.partial(self._on_disconnect_network, container)
                menu.addAction("Disconnect from a network…", leave)
            menu.addAction("Copy docker run command", functools.partial(self._on_copy_run, ref))
            menu.addSeparator()
            menu.addAction("Copy ID", lambda: QGuiApplication.clipboard().setText(container.id))
            menu.addAction("Copy name", lambda: QGuiApplication.clipboard().setText(container.name))
            menu.addSeparator()
        menu.addAction(self.remove_action)
        menu.popup(self.view.viewport().mapToGlobal(point))
        self.context_menu = menu

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() != PORTS:
            return
        container = index.siblingAtColumn(0).data(CONTAINER_ROLE)
        urls = browser_urls(container) if container is not None else []
        if urls:
            self._open(urls[0])

    def _open(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    @asyncSlot()
    async def _on_port_doctor(self, container: ContainerSummary) -> None:
        await self.port_doctor(container)

    async def port_doctor(self, container: ContainerSummary) -> None:
        """The port doctor for `container`'s first port, checked as it opens."""
        if self.session is None:
            return
        from desktop_app.panes.containers.port_doctor_dialog import PortDoctorDialog

        dialog = PortDoctorDialog(self.session, container, self)
        dialog.check()
        await ask(dialog, self, "doctor_dialog")

    # --- screenshots ----------------------------------------------------------------------

    async def pictures(self) -> AsyncIterator[tuple[str, QWidget | None]]:
        """The close looks `dockyard --screenshot` saves: the Run dialog filled to duplicate
        a container, with the options it has no field for; the port doctor on its port."""
        containers = self.model.containers()
        if not containers or self.session is None:
            return
        chosen = max(containers, key=lambda c: (c.state == "running", len(c.ports)))
        form = await self.form_of(ContainerRef(chosen.id, chosen.name), keep_name=False)
        if form is None:
            return
        from desktop_app.dialogs.run_container import RunDialog

        dialog = RunDialog(self.session, form, None, self)
        dialog.show()
        await asyncio.sleep(0.4)
        yield "container-duplicate", dialog
        dialog.close()
        dialog.deleteLater()
        if any(p.protocol == "tcp" for p in chosen.ports):
            from desktop_app.panes.containers.port_doctor_dialog import PortDoctorDialog

            doctor = PortDoctorDialog(self.session, chosen, self)
            doctor.show()
            await doctor.check()
            yield "port-doctor", doctor
            doctor.close()
            doctor.deleteLater()


__all__ = ["COLUMNS", "ContainersPane"]
