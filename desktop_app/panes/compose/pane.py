"""The Compose pane: every Compose project on the engine, found from the labels Compose puts
on what it makes, whoever started it; up from a file, start, stop, restart, scale and down
through the installed Compose; whether each project still matches its file."""

from __future__ import annotations

import asyncio
import html
import os
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget
from qasync import asyncSlot

from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.panes import PaneContext
from desktop_app.panes.base import ROW_ROLE, ListPane
from desktop_app.panes.compose.rows import ComposeRows
from desktop_app.presentation import counted
from desktop_app.tasks import LatestTask, spawn
from desktop_app.widgets.logs_panel import log_targets
from desktop_app.widgets.row_actions import Verb
from engine_bridge import (
    ComposeConfig,
    ComposeFiles,
    ComposeProject,
    ComposeTool,
    ContainerRef,
    DownPlan,
    Drift,
    Endpoint,
    EngineError,
    EngineState,
    Operation,
    ToolOutput,
    VolumeSummary,
    down_project,
    drift_of,
    find_tool,
    missing_tool,
    newest_change,
    plan_down,
    profiles_in_use,
    projects_of,
    read_config,
    read_hashes,
    restart_container,
    run_blocking,
    run_verb,
    scale_service,
    start_container,
    stop_container,
    up_project,
)

if TYPE_CHECKING:
    from desktop_app.panes.compose.details import ProjectDetails

#: Which Compose is installed, once looked for ("tool" -> it, or None for none).
_FOUND: dict[str, ComposeTool | None] = {}

_CONTAINER_VERBS = {"start": start_container, "stop": stop_container,
                    "restart": restart_container}  # fmt: skip


class _FileState:
    """What was last read of a project's file with Compose: when the files had last changed
    then, the resolved configuration, the profiles its running services need (to act on all
    of them) and, once read with those, each service's hash."""

    def __init__(self, changed: float, config: ComposeConfig, profiles: tuple[str, ...],
                 hashes: dict[str, str] | None = None) -> None:  # fmt: skip
        self.changed, self.config, self.profiles, self.hashes = changed, config, profiles, hashes


class ComposePane(ListPane[ComposeProject]):
    title = "Compose"
    kind = "compose"
    topic = "compose"
    concept = "concept.compose"
    filter_hint = "Filter by project, service, container or folder"
    follows = frozenset({"container", "network", "volume"})
    fmt: ComposeRows

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.fmt = ComposeRows()
        self.tool: ComposeTool | None = None
        self.tool_checked = False
        self.drift: dict[str, Drift] = {}
        self.checks: dict[str, str] = {}  # project -> why its file could not be compared
        self.files: dict[str, _FileState] = {}
        self.outputs: dict[str, ToolOutput] = {}
        self._logs_of: tuple[str, tuple[str, ...]] | None = None
        self._details_task = LatestTask("compose-details")
        self._check_task = LatestTask("compose-drift")
        self._tool_task = LatestTask("compose-tool")
        self.fmt.drift = self.drift
        super().__init__(context, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._check_timer = QTimer(self, singleShot=True, interval=800)
        self._check_timer.timeout.connect(self.check_files)

    def row_verbs(self, index: QModelIndex) -> list[Verb]:
        """The common verbs of the project on a row, for its hover buttons."""
        project = index.data(ROW_ROLE)
        if not isinstance(project, ComposeProject) or not self.live:
            return []
        verbs: list[Verb] = (
            [("stop", "Stop", self.stop_action.trigger)] if project.running
            else [("play", "Start", self.start_action.trigger)]
        )  # fmt: skip
        verbs.append(("logs", "Show the logs", lambda: self._show_tab("Logs")))
        verbs.append(("trash", "Down…", self.down_action.trigger))
        return verbs

    def choose_row(self, index: QModelIndex) -> None:
        project = index.data(ROW_ROLE)
        if isinstance(project, ComposeProject):
            self.select(project.name)
            self.update_actions()

    def _show_tab(self, title: str) -> None:
        details = self.details
        if details is not None:
            details.show_tab(title)  # type: ignore[attr-defined]

    def make_actions(self) -> None:
        self.up_action = self.action("Up from file…", "Ctrl+N",
                                     "Start a project from a compose file, after a preview",
                                     self._on_up)  # fmt: skip
        self.start_action = self.action("Start", "", "Start the project's stopped containers",
                                        lambda: self._on_verb("start"))  # fmt: skip
        self.stop_action = self.action("Stop", "", "Stop its containers; nothing is removed",
                                       lambda: self._on_verb("stop"))  # fmt: skip
        self.restart_action = self.action("Restart", "", "Restart its containers",
                                          lambda: self._on_verb("restart"))  # fmt: skip
        self.apply_action = self.action(
            "Apply file changes", "", "Bring the project in line with its file (up -d)",
            self._on_apply,
        )  # fmt: skip
        self.scale_action = self.action("Scale…", "", "Run more or fewer containers of a service",
                                        self._on_scale)  # fmt: skip
        self.down_action = self.action(
            "Down…", QKeySequence.StandardKey.Delete,
            "Remove its containers and networks, after a preview", self._on_down,
        )  # fmt: skip

    def update_actions(self) -> None:
        live = self.live
        chosen = self.selected()
        busy = chosen is not None and self.model.busy(chosen.name) is not None
        usable = live and chosen is not None and not busy
        self.up_action.setEnabled(live)
        self.start_action.setEnabled(usable and chosen is not None and
                                     chosen.running < len(chosen.containers))  # fmt: skip
        self.stop_action.setEnabled(usable and chosen is not None and chosen.running > 0)
        self.restart_action.setEnabled(usable)
        drifted = chosen is not None and self.drift.get(chosen.name, Drift()).any
        self.apply_action.setEnabled(usable and drifted)
        self.scale_action.setEnabled(usable)
        self.down_action.setEnabled(usable)

    def rows_from(self, state: EngineState) -> list[ComposeProject]:
        return projects_of(state.of("container").values(), state.of("network").values(),
                           state.of("volume").values())  # fmt: skip

    def count_text(self, rows: Sequence[ComposeProject]) -> str:
        if not rows:
            return ""
        running = sum(1 for r in rows if r.running)
        return f"{counted(len(rows), 'project')} · {running} running"

    def refresh_rows(self) -> None:
        super().refresh_rows()
        for project in self.model.rows():
            state = self.files.get(project.name)
            if state is not None and state.hashes is not None and project.name in self.drift:
                self._set_drift(project, drift_of(project, state.hashes))
        if self.tool is not None:
            self._check_timer.start()

    # --- the engine and the tool ---------------------------------------------------------

    def connected(self) -> None:
        details = self._details
        if details is not None:
            details.attach(self.session)  # type: ignore[attr-defined]
        self._tool_task.start(self._find_tool())

    def let_go(self) -> None:
        details = self._details
        if details is not None:
            details.attach(None)  # type: ignore[attr-defined]  # its logs stop following
        self._logs_of = None
        self._tool_task.cancel()
        self._details_task.cancel()
        self._check_task.cancel()
        self._check_timer.stop()

    async def _find_tool(self, again: bool = False) -> None:
        """Learn which Compose is installed: once per app (it does not depend on the
        engine), or `again` (the user may have installed one since)."""
        if again or "tool" not in _FOUND:
            _FOUND["tool"] = await run_blocking(None, find_tool)
        if not shiboken6.isValid(self):
            return  # the window went while Compose was being looked for
        self.tool = _FOUND["tool"]
        self.tool_checked = True
        if self.tool is None:
            self.say(missing_tool().in_words(), bad=True)
        self.check_files()
        self.update_actions()

    def _target(self, project: ComposeProject, all_profiles: bool = False) -> ComposeFiles:
        """The project's files; with every profile the file has enabled (to read all of its
        services), or those of the services it runs (to act on all of them)."""
        state = self.files.get(project.name)
        if all_profiles:
            profiles: tuple[str, ...] = ("*",) if self.tool is not None and self.tool.v2 else ()
        else:
            profiles = state.profiles if state is not None else ()
        return ComposeFiles.of_project(project, profiles)

    # --- is each project still what its file says? ----------------------------------------

    def check_files(self) -> None:
        """Compare every project with its file (in the background; only files that changed
        since the last look are read with Compose again)."""
        if self.tool is not None and self.session is not None:
            self._check_task.start(self._check_all())

    async def _check_all(self) -> None:
        projects = self.model.rows()
        targets = [self._target(p, all_profiles=True) for p in projects]
        facts = await run_blocking(None, _file_facts, targets)  # one thread for every stat
        for project, (missing, changed) in zip(projects, facts, strict=True):
            if not shiboken6.isValid(self):
                return
            if self.model.row(project.name) is not None:
                await self._check(project, missing, changed)

    async def _check(self, project: ComposeProject, missing: list[str], changed: float) -> None:
        """Compare one project with its file (`missing`: its files not on this computer,
        `changed`: when they last changed). A file that has not changed since the oldest of
        the project's containers was made cannot differ from it: Compose is only run (in
        the background, at low priority) for files changed since."""
        if missing:
            why = f"the compose file is not on this computer ({', '.join(missing)})"
            self._cannot_compare(project.name, why)
            return
        made = [c.created.timestamp() for c in project.containers if c.created is not None]
        if made and changed <= min(made):
            self._compared(project, Drift())
            return
        try:
            state = await self.file_state(project, hashes=True)
        except EngineError as exc:
            self._cannot_compare(project.name, exc.in_words(hint=False))
            return
        current = self.model.row(project.name) or project
        self._compared(current, drift_of(current, state.hashes or {}))

    def _compared(self, project: ComposeProject, drift: Drift) -> None:
        """What comparing the project with its file found; drawn again only if news."""
        news = self.checks.pop(project.name, None) is not None
        if self._set_drift(project, drift) or news:
            self._project_redrawn(project.name)

    async def file_state(self, project: ComposeProject, hashes: bool = False) -> _FileState:
        """The project's file as Compose reads it now (read again only when it changed
        since the last read); with `hashes`, each service's hash too. Raises EngineError
        when Compose cannot read it."""
        tool = self._tool_or_raise()
        target = self._target(project, all_profiles=True)
        changed = await run_blocking(None, newest_change, target)
        state = self.files.get(project.name)
        if state is None or state.changed != changed:
            config = await run_blocking(None, read_config, tool, target, self._endpoint())
            state = _FileState(changed, config, ())
        profiles = tuple(profiles_in_use(state.config, project))
        if profiles != state.profiles:
            state = _FileState(changed, state.config, profiles)
        if hashes and state.hashes is None:
            files = ComposeFiles.of_project(project, profiles)
            read = await run_blocking(None, read_hashes, tool, files, self._endpoint())
            state = _FileState(changed, state.config, profiles, read)
        self.files[project.name] = state
        return state

    async def known_state(self, project: ComposeProject) -> _FileState | None:
        """The project's file as Compose reads it, or None when it is not here or cannot be
        read (what acting on the project needs to know: the profiles its services use)."""
        if self.tool is None:
            return None
        missing = await run_blocking(None, self._target(project).missing)
        if missing:
            return None
        try:
            return await self.file_state(project)
        except EngineError:
            return None

    def _cannot_compare(self, name: str, why: str) -> None:
        said = f"not compared: {why}"
        if self.checks.get(name) != said or name in self.drift:
            self.checks[name] = said
            self.drift.pop(name, None)
            self._project_redrawn(name)

    def _set_drift(self, project: ComposeProject, drift: Drift) -> bool:
        """Note how the project differs from its file; whether that is news."""
        if self.drift.get(project.name) == drift and project.name in self.drift:
            return False
        self.drift[project.name] = drift
        self.model.redraw(project.name)
        return True

    def _project_redrawn(self, name: str) -> None:
        self.model.redraw(name)
        chosen = self.selected()
        if chosen is not None and chosen.name == name:
            self._show_summary(chosen)
            self.update_actions()

    def _volumes(self) -> list[VolumeSummary]:
        state = self.session.state if self.session is not None else None
        return list(state.of("volume").values()) if state is not None else []

    def _endpoint(self) -> Endpoint | None:
        bridge = self.session.bridge if self.session is not None else None
        return bridge.endpoint if bridge is not None else None

    # --- details --------------------------------------------------------------------------

    def make_details(self) -> ProjectDetails:
        from desktop_app.panes.compose.details import ProjectDetails

        details = ProjectDetails()
        details.attach(self.session)
        return details

    def show_details(self, row: ComposeProject | None) -> None:
        details = self.details
        assert details is not None
        if row is None:
            self._logs_of = None
            details.show_project(None)  # type: ignore[attr-defined]
            return
        self._show_summary(row)
        details.show_output(self.outputs.get(row.name))  # type: ignore[attr-defined]
        ids = tuple(sorted(c.id for c in row.containers))
        if self._logs_of != (row.name, ids):
            self._logs_of = (row.name, ids)
            self._details_task.start(self._load(row))

    def _show_summary(self, row: ComposeProject) -> None:
        details = self.details
        assert details is not None
        check = self.checks.get(row.name, "")
        if not check and self.tool_checked and self.tool is None:
            check = "not compared: Docker Compose is not installed"
        details.show_project(row, self.drift.get(row.name), check)  # type: ignore[attr-defined]

    async def _load(self, project: ComposeProject) -> None:
        """Its containers' logs, and its file beside what Compose reads in it."""
        bridge = self.session.bridge if self.session is not None else None
        details = self.details
        if bridge is None or details is None:
            return
        try:
            targets = await log_targets(bridge, [c.id for c in project.containers])
        except EngineError:
            targets = []
        details.show_logs(targets)  # type: ignore[attr-defined]
        written = await run_blocking(None, _read_files, project.config_files)
        state = await self.known_state(project)
        resolved = state.config.text if state is not None else self.checks.get(project.name, "")
        details.show_files(written, resolved)  # type: ignore[attr-defined]

    # --- acting ---------------------------------------------------------------------------

    async def recreation_agreed(self, project: ComposeProject, tool: ComposeTool) -> bool:
        """Before an up by Compose v2 over a project Compose v1 made, which recreates every
        container of it: ask. True when there is nothing to ask, or the user agreed."""
        if not (tool.v2 and project.made_by_v1):
            return True
        dialog = ChoiceDialog(
            "Compose v2 will recreate the containers",
            f"<b>{html.escape(project.name)}</b> was made by Compose v1 (docker-compose "
            f"{html.escape(', '.join(project.made_by))}). Compose v2 ({tool.version}) names "
            "and labels containers differently, so it recreates every container of the "
            "project: files written inside them are lost, volumes stay.",
            [("go", "Recreate and go on")],
            self,
            destructive=("go",),
        )
        return bool(await self.ask(dialog)) and dialog.chosen == "go"

    def _tool_or_raise(self) -> ComposeTool:
        if self.tool is None:
            raise missing_tool()
        return self.tool

    def _tool_or_say(self) -> ComposeTool | None:
        if self.tool is None:
            self.say(missing_tool().in_words(), bad=True)
        return self.tool

    async def run_compose(self, operation: Operation[ToolOutput], name: str,
                          done: str) -> bool:  # fmt: skip
        """Run a compose operation on project `name`, its output shown in the details as it
        comes; whether it succeeded."""
        if isinstance(operation.live, ToolOutput):
            self.outputs[name] = operation.live
        session = self.session
        if session is None:
            return False
        session.operation_changed.connect(self._on_progress)
        try:
            finished = await self.perform(operation, key=name, done=done)
        finally:
            session.operation_changed.disconnect(self._on_progress)
            self._on_progress(operation)
        self.check_files()
        return finished is not None

    def _on_progress(self, operation: Operation[Any]) -> None:
        chosen = self.selected()
        details = self._details
        if chosen is None or details is None or operation.target != chosen.name:
            return
        if isinstance(operation.live, ToolOutput):
            details.show_output(operation.live)  # type: ignore[attr-defined]

    @asyncSlot()
    async def _on_up(self) -> None:
        await self.up_dialog()

    async def up_dialog(self, path: str = "") -> str | None:
        """Ask for a compose file and its choices, then up; the project's name, or None."""
        from desktop_app.panes.compose.up_dialog import UpDialog

        if self.tool is None:
            await self._find_tool(again=True)  # installed since?
        tool = self._tool_or_say()
        if tool is None:
            return None
        endpoint = self._endpoint()

        async def read(target: ComposeFiles) -> ComposeConfig:
            return await run_blocking(None, read_config, tool, target, endpoint)

        projects = {p.name: p for p in self.model.rows()}
        dialog = UpDialog(tool, projects, read, path, self)
        if not await self.ask(dialog):
            return None
        target = dialog.files()
        operation = up_project(tool, target, endpoint, build=dialog.build, pull=dialog.pull)
        self.files.pop(target.name, None)
        self.select_when_listed(target.name)
        if await self.run_compose(operation, target.name, f"{target.name} is up."):
            return target.name
        return None

    @asyncSlot()
    async def _on_apply(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.apply_file(chosen)

    async def apply_file(self, project: ComposeProject) -> bool:
        """`up -d` with the file as it is now: the changed services' containers are made
        again."""
        tool = self._tool_or_say()
        if tool is None or not await self.recreation_agreed(project, tool):
            return False
        await self.known_state(project)
        operation = up_project(tool, self._target(project), self._endpoint())
        return await self.run_compose(operation, project.name,
                                      f"{project.name} matches its file again.")  # fmt: skip

    def _on_verb(self, verb: str) -> None:
        chosen = self.selected()
        if chosen is not None:
            spawn(self.act(chosen, verb), f"compose-{verb}")

    async def act(self, project: ComposeProject, verb: str) -> bool:
        """Start, stop or restart the whole project; through Compose, or, when its file is
        not on this computer, container by container as `docker {verb}` would."""
        tool = self._tool_or_say()
        if tool is None:
            return False
        await self.known_state(project)
        target = self._target(project)
        past = {"start": "started", "stop": "stopped", "restart": "restarted"}[verb]
        if not await run_blocking(None, target.missing):
            operation = run_verb(tool, target, verb, self._endpoint())
            return await self.run_compose(operation, project.name, f"{project.name} {past}.")
        fine = True
        for container in project.containers:
            ref = ContainerRef(container.id, container.name)
            fine = await self.perform(_CONTAINER_VERBS[verb](ref), key=project.name) is not None \
                and fine  # fmt: skip
        if fine:
            self.say(f"{project.name} {past}, container by container: its compose file is not "
                     "on this computer.")  # fmt: skip
        return fine

    @asyncSlot()
    async def _on_scale(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.scale_dialog(chosen)

    async def scale_dialog(self, project: ComposeProject, service: str = "") -> bool:
        from desktop_app.panes.compose.scale_dialog import ScaleDialog

        tool = self._tool_or_say()
        if tool is None:
            return False
        await self.known_state(project)
        target = self._target(project)

        def commander(name: str, count: int) -> tuple[str, ...]:
            return scale_service(tool, target, name, count).argv

        dialog = ScaleDialog(project, commander, service, self)
        if not await self.ask(dialog):
            return False
        name, count = dialog.chosen()
        if not await self.recreation_agreed(project, tool):
            return False
        operation = scale_service(tool, target, name, count, self._endpoint())
        return await self.run_compose(operation, project.name,
                                      f"{name} runs {counted(count, 'container')}.")  # fmt: skip

    @asyncSlot()
    async def _on_down(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.down_dialog(chosen)

    async def down_dialog(self, project: ComposeProject) -> bool:
        from desktop_app.panes.compose.down_dialog import DownDialog

        tool = self._tool_or_say()
        if tool is None:
            return False
        state = await self.known_state(project)
        target = self._target(project)
        config = state.config if state is not None else None
        volumes = self._volumes()
        note = ""
        if await run_blocking(None, target.missing):
            note = ("Its compose file is not on this computer: Compose cannot take the project "
                    "down. Remove its containers in the Containers pane instead.")  # fmt: skip
        elif config is None:
            note = "Its file could not be read, so the preview counts every container as going."

        def planner(remove_volumes: bool, images: str) -> DownPlan:
            return plan_down(project, config, volumes, remove_volumes, images)

        def commander(remove_volumes: bool, images: str) -> tuple[tuple[str, ...], ...]:
            return down_project(tool, target, volumes=remove_volumes, images=images).script

        dialog = DownDialog(project, planner, commander, note, self)
        if note.startswith("Its compose file is not"):
            dialog.down_button.setEnabled(False)
        if not await self.ask(dialog):
            return False
        operation = down_project(tool, target, self._endpoint(), volumes=dialog.remove_volumes,
                                 images=dialog.image_choice)  # fmt: skip
        return await self.run_compose(operation, project.name, f"{project.name} is down.")

    async def pictures(self) -> AsyncIterator[tuple[str, QWidget | None]]:
        """The close looks `dockyard --screenshot` saves: a project's details, the up dialog
        with its preview, and the down preview."""
        from desktop_app.panes.compose.down_dialog import DownDialog
        from desktop_app.panes.compose.up_dialog import UpDialog

        rows = self.model.rows()
        if not rows:
            return
        chosen = max(rows, key=lambda r: (r.running, len(r.services)))
        self.select(chosen.name)
        await asyncio.sleep(1.0)
        yield "compose-project", None
        tool = self.tool
        if tool is None:
            return
        endpoint = self._endpoint()

        async def read(target: ComposeFiles) -> ComposeConfig:
            return await run_blocking(None, read_config, tool, target, endpoint)

        path = chosen.config_files[0] if chosen.config_files else ""
        projects = {p.name: p for p in rows}
        up = UpDialog(tool, projects, read, path, self)
        up.show()
        for _ in range(100):
            if up.config is not None or up.problem.text():
                break
            await asyncio.sleep(0.05)
        for box in up.profile_boxes.values():
            box.setChecked(True)
        await asyncio.sleep(0.2)
        yield "compose-up", up
        up.close()
        up.deleteLater()
        state = await self.known_state(chosen)
        volumes = self._volumes()
        target = self._target(chosen)
        down = DownDialog(
            chosen,
            lambda v, i: plan_down(chosen, state.config if state else None, volumes, v, i),
            lambda v, i: down_project(tool, target, volumes=v, images=i).script,
            parent=self,
        )
        down.volumes_box.setChecked(True)
        down.show()
        await asyncio.sleep(0.2)
        yield "compose-down", down
        down.close()
        down.deleteLater()


def _file_facts(targets: Sequence[ComposeFiles]) -> list[tuple[list[str], float]]:
    """For each project: its files not on this computer, and when its files last changed."""
    return [(t.missing(), newest_change(t)) for t in targets]


def _read_files(paths: Sequence[str]) -> str:
    """The compose files' text, each under its name when there are several."""
    parts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                body = file.read()
        except OSError as exc:
            body = f"(cannot be read here: {exc.strerror})"
        parts.append(f"# {os.path.basename(path)}\n{body}" if len(paths) > 1 else body)
    return "\n".join(parts) or "(no compose file recorded)"
