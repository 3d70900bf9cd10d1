"""The main window: a sidebar of panes, the engine's state in the status bar, the activity
drawer, and the engine session that feeds them all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import icons, menus, settings, theme
from desktop_app.command_log import CommandLog
from desktop_app.dialogs import ask
from desktop_app.memory import give_back_free_memory
from desktop_app.pane_stack import PaneStack
from desktop_app.panes import (
    CONTAINERS,
    ENGINE,
    IMAGES,
    PANES,
    RESOURCES,
    TERMINALS,
    VOLUMES,
    FollowsEngine,
    HasActions,
    PaneContext,
)
from desktop_app.panes.base import PaneFrame
from desktop_app.panes.containers.pane import ContainersPane
from desktop_app.session import EngineSession
from desktop_app.tray import Tray
from desktop_app.widgets.activity import ActivityView
from engine_bridge import (
    BundledEngine,
    Connection,
    ConnectionChange,
    ContainerRef,
    CredentialStore,
    Endpoint,
    EngineError,
    EngineFacts,
    EngineProvider,
    ErrorKind,
    Lifecycle,
    ProviderStatus,
    SystemEngine,
    VmEngine,
    WslEngine,
    inspect_container,
    own_engine,
    run_blocking,
)

if TYPE_CHECKING:
    from desktop_app.dialogs.palette import Entry
    from desktop_app.panes.engine import EnginePane
    from desktop_app.panes.images.pane import ImagesPane
    from desktop_app.panes.learn.guide import FirstRunGuide
    from desktop_app.panes.resources import ResourcesPane
    from desktop_app.panes.terminals import TerminalsPane
    from desktop_app.panes.volumes.pane import VolumesPane

log = logging.getLogger(__name__)


def _go(window: MainWindow, title: str) -> Callable[[], None]:
    return lambda: window.show_pane(title)


def _then(window: MainWindow, title: str, do: Callable[[], object]) -> Callable[[], None]:
    def go() -> None:
        window.show_pane(title)
        do()

    return go


def _reveal(window: MainWindow, pane: PaneFrame, key: str) -> Callable[[], None]:
    def go() -> None:
        window.show_pane(pane.title)
        pane.reveal(key)

    return go


_DOT = {"ok": "good", "busy": "warn", "bad": "bad", "off": "stopped"}  # theme roles


class MainWindow(QMainWindow):
    """Dockyard's window.

    Signals: `engine_ready()` when an engine's lists are loaded for the first time,
    `closed()` when the user closed the window.
    Attributes: `session` (the engine in use, or None), `panes` (by title, each made on
    first access), `containers_pane`, `images_pane`, `volumes_pane`, `resources_pane`,
    `terminals_pane`, `engine_pane`, `activity`, `credentials` (registry logins),
    `status_text`.
    """

    engine_ready = Signal()
    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Dockyard")
        self.resize(1280, 800)
        self.session: EngineSession | None = None
        self._was_lost = False
        #: Whether closing keeps the window's size, pane and drawer for the next launch.
        self.remember = False

        self.credentials = CredentialStore()
        #: The layouts saved by the last launch, once restore_settings() took them back:
        #: a pane made later takes its own back then.
        self._layouts_restored = False
        # Panes are made when first needed: start-up builds the Containers list only.
        self.stack = PaneStack(PANES, PaneContext(self.credentials))
        self.stack.made.connect(self._on_pane_made)
        self.panes = self.stack.panes
        self.containers_pane = cast(ContainersPane, self.panes[CONTAINERS.title])

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Panes")
        self.sidebar.setFixedWidth(180)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.addItems(self.stack.titles())
        self.sidebar.currentRowChanged.connect(self.stack.show_index)
        self.sidebar.setCurrentRow(0)

        self.banner = QLabel()
        self.banner.setObjectName("engineBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.banner)
        content_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sidebar)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)

        self.activity = ActivityView(CommandLog())
        self.activity.type_requested.connect(self.try_in_terminal)
        self.activity_dock = QDockWidget("Activity", self)
        self.activity_dock.setObjectName("activityDock")
        self.activity_dock.setWidget(self.activity)
        self.activity_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.activity_dock)
        self.resizeDocks([self.activity_dock], [170], Qt.Orientation.Vertical)
        self.activity_dock.hide()  # opened from the status bar; remembered between launches

        self.status_dot = QLabel("●")
        self.status_dot.setObjectName("statusDot")
        self.status_text = QLabel("No engine yet")
        self.status_text.setObjectName("engineStatus")
        activity_button = QToolButton()
        activity_button.setObjectName("activityButton")
        activity_button.setText("Activity")
        activity_button.setToolTip("What Dockyard did and does, with the docker commands")
        activity_button.setAutoRaise(True)
        activity_button.clicked.connect(
            lambda: self.activity_dock.setVisible(not self.activity_dock.isVisible())
        )
        self.activity_button = activity_button
        self.tray = Tray(self)
        self.statusBar().addWidget(self.status_dot)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(activity_button)
        self._set_status("off", "No engine yet")

        #: The dialog the window has open now (Settings, Go to anything), if any.
        self.dialog: QWidget | None = None
        #: The first-container guide and its dock, once opened.
        self.guide: FirstRunGuide | None = None
        self.guide_dock: QDockWidget | None = None
        self.setWindowIcon(icons.app_icon())
        self._draw_sidebar_icons()
        theme.changes().changed.connect(self._draw_sidebar_icons)
        menus.build(self)

    # --- the panes, each made when first needed ------------------------------------------

    @property
    def images_pane(self) -> ImagesPane:
        return cast("ImagesPane", self.panes[IMAGES.title])

    @property
    def volumes_pane(self) -> VolumesPane:
        return cast("VolumesPane", self.panes[VOLUMES.title])

    @property
    def resources_pane(self) -> ResourcesPane:
        return cast("ResourcesPane", self.panes[RESOURCES.title])

    @property
    def terminals_pane(self) -> TerminalsPane:
        return cast("TerminalsPane", self.panes[TERMINALS.title])

    @property
    def engine_pane(self) -> EnginePane:
        return cast("EnginePane", self.panes[ENGINE.title])

    def _on_pane_made(self, pane: QWidget) -> None:
        """A pane was just made: give it the engine, and connect the panes that work
        together (a run from an image, a terminal from a container, the engine's choices)."""
        title = getattr(pane, "title", "")
        if title == CONTAINERS.title:
            assert isinstance(pane, ContainersPane)
            pane.terminal_requested.connect(self._on_terminal_requested)
            pane.attach_requested.connect(self._on_attach_requested)
            pane.loaded.connect(self.engine_ready)
        elif title == IMAGES.title:
            cast("ImagesPane", pane).run_requested.connect(self._on_run_image)
        elif title == ENGINE.title:
            engine = cast("EnginePane", pane)
            engine.start_bundled_requested.connect(self._on_start_bundled)
            engine.use_kind_requested.connect(self._on_use_kind)
            engine.use_context_requested.connect(self._on_use_context)
        if self._layouts_restored and isinstance(pane, PaneFrame):
            pane.restore_layout(settings.store())
        if isinstance(pane, FollowsEngine):
            pane.attach(self.session)
        if isinstance(pane, HasActions):
            pane.update_actions()

    # --- what the menus open ------------------------------------------------------------

    def _draw_sidebar_icons(self) -> None:
        for row, title in enumerate(self.panes):
            item = self.sidebar.item(row)
            if item is not None:
                item.setIcon(icons.icon(title.lower()))

    def choose_theme(self, chosen: theme.Choice) -> None:
        """Switch the theme now, and keep the choice for the next launch."""
        theme.apply(chosen)
        saved = settings.store()
        saved.setValue("appearance/theme", chosen.value)
        saved.sync()

    @asyncSlot()
    async def open_settings(self) -> None:
        from desktop_app.dialogs.settings_dialog import SettingsDialog

        await self._ask(SettingsDialog(self))

    @asyncSlot()
    async def open_palette(self) -> None:
        """Go to anything: a pane, an action that applies now, or an object by its name."""
        from desktop_app.dialogs.palette import CommandPalette

        palette = CommandPalette(self.palette_entries(), self)
        if await self._ask(palette) and palette.chosen is not None:
            palette.chosen.go()

    def palette_entries(self) -> list[Entry]:
        from desktop_app.dialogs.palette import Entry

        entries = [Entry(f"Go to {title}", "Pane", _go(self, title)) for title in self.panes]
        for action in self.actions():
            words = action.text().replace("&", "")
            if action.isEnabled() and words and not words.startswith("Go to"):
                entries.append(Entry(words, "Menu", action.trigger))
        for title, pane in self.panes.items():
            if not isinstance(pane, PaneFrame):
                continue
            for action in pane.toolbar.actions():
                if action.isEnabled() and action.text():
                    entries.append(Entry(f"{action.text()}", f"{title} action",
                                         _then(self, title, action.trigger)))  # fmt: skip
            noun = title.removesuffix("s")
            for words, key in pane.findables():
                entries.append(Entry(words, noun, _reveal(self, pane, key)))
        return entries

    def open_shortcuts(self) -> None:
        self.open_reading("Keyboard shortcuts", menus.shortcuts_html(self))

    def open_reading(self, title: str, html: str) -> None:
        from desktop_app.dialogs.reading import ReadingDialog

        page = ReadingDialog(title, html, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.show()

    async def _ask(self, dialog: QDialog) -> int:
        return await ask(dialog, self)

    # --- choosing the engine ----------------------------------------------------------

    async def use_engine(self, provider: EngineProvider, start: bool = False) -> None:
        """Switch to `provider`'s engine (starting it first when `start`)."""
        await self.drop_engine()
        session = EngineSession(provider, self)
        self.session = session
        session.connection_changed.connect(self._on_connection)
        session.facts_changed.connect(self._on_facts)
        session.provider_changed.connect(self._on_provider)
        self.activity.engine = provider.label
        session.operation_changed.connect(self.activity.show_operation)
        session.operation_changed.connect(self.tray.operation_changed)
        self._attach_panes(session)
        if start:
            self._set_status("busy", f"{provider.label}: starting…")
        try:
            await session.open(start_provider=start)
        except EngineError as exc:
            self._set_status("bad", f"{provider.label}: {exc.title}")
            self.show_no_engine(exc.in_words())

    async def drop_engine(self) -> None:
        """Let go of the engine in use: its banner goes with it."""
        session, self.session = self.session, None
        self.banner.hide()
        if session is not None:
            terminals = self.stack.made_panes().get(TERMINALS.title)
            if terminals is not None:
                await cast("TerminalsPane", terminals).close_all()
            self._attach_panes(None)
            await session.close()
            session.deleteLater()

    def _attach_panes(self, session: EngineSession | None) -> None:
        for pane in self.stack.made_panes().values():
            if isinstance(pane, FollowsEngine):
                pane.attach(session)

    def show_looking_for_engine(self) -> None:
        self._set_status("busy", "Looking for an engine…")

    def show_no_engine(self, reason: str) -> None:
        """Say that no engine answers, and offer the bundled one on the Engine page."""
        self._set_status("bad", "No engine: Dockyard can start its own on the Engine page")
        self.engine_pane.show_no_engine(reason)
        self.show_pane(self.engine_pane.title)

    def show_guide(self, fresh: bool = False, keep: bool = True) -> FirstRunGuide:
        """The first-container guide, beside the panes: from where the learner left it,
        or from the start. Without `keep`, at its first step and nothing saved (pictures)."""
        from desktop_app.panes.learn.guide import FirstRunGuide, Progress

        if self.guide is None:
            self.guide = FirstRunGuide(self)
            self.guide_dock = QDockWidget("Your first container", self)
            self.guide_dock.setObjectName("guideDock")
            self.guide_dock.setWidget(self.guide)
            self.guide_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guide_dock)
            self.resizeDocks([self.guide_dock], [320], Qt.Orientation.Horizontal)
            self.guide.left.connect(self.guide_dock.hide)
        if keep:
            self.guide.start(fresh)
        else:
            self.guide.progress = Progress()
            self.guide.show_step()
        assert self.guide_dock is not None
        self.guide_dock.show()
        return self.guide

    def close_guide(self) -> None:
        """Take the guide away altogether (its progress stays in the settings)."""
        if self.guide is not None:
            self.guide.highlight.follow(None)
        if self.guide_dock is not None:
            self.removeDockWidget(self.guide_dock)
            self.guide_dock.deleteLater()
        self.guide, self.guide_dock = None, None

    def offer_guide(self) -> None:
        """On the very first launch, open the guide (later, Help opens it)."""
        saved = settings.store()
        if saved.value("guide/offered", False) in (True, "true"):
            return
        saved.setValue("guide/offered", True)
        saved.sync()
        self.show_guide()

    def try_in_terminal(self, command: str) -> None:
        """A shell on this computer, aimed at the engine in use, with `command` typed in."""
        endpoint = self.session.provider.endpoint if self.session is not None else None
        self.show_pane(self.terminals_pane.title)
        self.terminals_pane.open_local(endpoint, command)

    def show_pane(self, title: str) -> None:
        self.sidebar.setCurrentRow(list(self.panes).index(title))

    @asyncSlot()
    async def _on_start_bundled(self) -> None:
        self.engine_pane.offer_button.setEnabled(False)
        try:
            await self.use_engine(own_engine(), start=True)
        finally:
            self.engine_pane.offer_button.setEnabled(True)
        if self.session is not None and self.session.bridge is not None:
            self.show_pane(self.containers_pane.title)

    @asyncSlot()
    async def _on_terminal_requested(
        self, ref: ContainerRef, command: list[str], user: str
    ) -> None:
        if self.session is not None:
            self.show_pane(self.terminals_pane.title)
            await self.terminals_pane.open_exec(self.session, ref, command, user)

    @asyncSlot()
    async def _on_attach_requested(self, ref: ContainerRef) -> None:
        if self.session is None or self.session.bridge is None:
            return
        self.show_pane(self.terminals_pane.title)
        try:
            data = await inspect_container(self.session.bridge, ref.id)
        except EngineError as exc:
            self._set_status("bad", exc.in_words(hint=False))
            return
        tty = bool((data.get("Config") or {}).get("Tty"))
        await self.terminals_pane.open_attach(self.session, ref, tty)

    @asyncSlot()
    async def _on_run_image(self, reference: str) -> None:
        from engine_bridge.specs.run_form import RunForm

        self.show_pane(self.containers_pane.title)
        await self.containers_pane.open_run_dialog(RunForm(image=reference))

    @asyncSlot(object)
    async def _on_use_context(self, endpoint: Endpoint) -> None:
        """Use an engine the user named on the Engine page (a docker context)."""
        engine = SystemEngine(endpoint, label=f"{endpoint.name} ({endpoint.host})")
        if await run_blocking(None, engine.check_blocking):
            await self.use_engine(engine)
        else:
            self._set_status("bad", f"{endpoint.name}: {engine.status.message}")

    @asyncSlot(str)
    async def _on_use_kind(self, kind: str) -> None:
        """Switch to the system, bundled, VM or WSL engine, starting Dockyard's own as needed."""
        if kind == "system":
            system = SystemEngine()
            if await run_blocking(None, system.check_blocking):
                await self.use_engine(system)
            else:
                self._set_status("bad", f"System engine: {system.status.message}")
            return
        engine = {"vm": VmEngine, "wsl": WslEngine}.get(kind, BundledEngine)()
        self.engine_pane.kinds.busy(kind, "Starting…")
        await self.use_engine(engine, start=True)

    # --- what the engine says ---------------------------------------------------------

    def _engine_name(self) -> str:
        if self.session is None:
            return "No engine"
        facts = self.session.facts
        label = self.session.provider.label
        return f"{label} · Docker {facts.engine_version}" if facts else label

    def _on_connection(self, change: ConnectionChange) -> None:
        name = self._engine_name()
        if change.status is Connection.LIVE:
            self.banner.hide()
            self._set_status("ok", f"{name} · running")
            if self._was_lost:
                self._was_lost = False
                give_back_free_memory()  # what the old connection's streams left behind
        elif change.status is Connection.CONNECTING:
            # After a failed try the banner keeps saying why until the engine answers.
            again = "trying again…" if self.banner.isVisible() else "connecting…"
            self._set_status("busy", f"{name} · {again}")
        elif change.status is Connection.LOST:
            self._was_lost = True
            error = change.error
            why = error.in_words() if error else "It stopped answering."
            provider = self.session.provider if self.session is not None else None
            if (
                provider is not None
                and provider.manageable
                and (error is None or error.kind is ErrorKind.UNREACHABLE)
            ):
                why = f"{provider.label} is not running. Start it on the Engine page."
            retry = f" Trying again in {change.retry_in:g} s." if change.retry_in else ""
            seen = self.session is not None and self.session.facts is not None
            headline = "Lost the engine." if seen else "Cannot use the engine."
            self.banner.setText(
                f"<b>{headline}</b> {escape(why)}{retry}"
                + (" Lists show what was last known." if seen else "")
            )
            self.banner.show()
            state = "lost, reconnecting…" if seen else "not usable, trying again…"
            self._set_status("bad", f"{name} · {state}")
        for pane in self.stack.made_panes().values():
            if isinstance(pane, HasActions):
                pane.update_actions()

    def _on_facts(self, _facts: EngineFacts) -> None:
        if self.session is not None and self.session.live:
            self._set_status("ok", f"{self._engine_name()} · running")

    def _on_provider(self, status: ProviderStatus) -> None:
        if status.state is Lifecycle.ERROR:
            self._set_status("bad", f"{self._engine_name()} · error: {status.message}")
        elif status.state in (Lifecycle.STARTING, Lifecycle.STOPPING):
            self._set_status("busy", f"{self._engine_name()} · {status.state.value}…")

    def _set_status(self, tone: str, words: str) -> None:
        theme.mark(self.status_dot, _DOT[tone])
        self.status_text.setText(words)
        self.tray.show_status(words)

    # --- closing ----------------------------------------------------------------------

    def restore_settings(self) -> None:
        """Take back the size, place, pane and drawer of the last launch."""
        saved = settings.store()
        geometry = saved.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = saved.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.activity_dock.setVisible(saved.value("window/activity", "false") == "true")
        pane = saved.value("window/pane")
        for made in self.stack.made_panes().values():
            if isinstance(made, PaneFrame):
                made.restore_layout(saved)
        self._layouts_restored = True
        if isinstance(pane, str) and pane in self.panes:
            self.show_pane(pane)

    def save_settings(self) -> None:
        if not self.remember:
            return
        saved = settings.store()
        saved.setValue("window/geometry", self.saveGeometry())
        saved.setValue("window/state", self.saveState())
        saved.setValue("window/activity", "true" if self.activity_dock.isVisible() else "false")
        saved.setValue("window/pane", list(self.panes)[self.sidebar.currentRow()])
        for made in self.stack.made_panes().values():
            if isinstance(made, PaneFrame):
                made.save_layout(saved)
        saved.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)
        self.closed.emit()
