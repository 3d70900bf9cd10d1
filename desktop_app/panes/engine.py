"""The Engine pane: what the engine is, whether it runs, and the bundled engine's controls."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes import PaneContext
from desktop_app.panes.engine_kinds import in_sentence
from desktop_app.session import EngineSession
from engine_bridge import (
    EngineError,
    EngineFacts,
    EngineProvider,
    Lifecycle,
    ProviderStatus,
    own_engine,
    run_blocking,
)

_FACTS = (
    ("Docker Engine", lambda f: f.engine_version),
    ("API version", lambda f: f"{f.api_version} (oldest supported {f.min_api_version})"),
    ("containerd", lambda f: f.containerd_version or "unknown"),
    ("runc", lambda f: f.runc_version or "unknown"),
    ("Operating system", lambda f: f"{f.operating_system} ({f.os}/{f.arch})"),
    ("Kernel", lambda f: f.kernel),
    ("Storage driver", lambda f: f.storage_driver),
    ("Cgroups", lambda f: f"{f.cgroup_driver} driver, version {f.cgroup_version}"),
    ("CPUs", lambda f: str(f.cpus)),
    ("Memory", lambda f: f"{f.memory_bytes / 2**30:.1f} GiB"),
    ("Containers", lambda f: f"{f.containers} ({f.containers_running} running, "
                             f"{f.containers_paused} paused, {f.containers_stopped} stopped)"),
    ("Images", lambda f: f"{f.images}, as docker info counts them: intermediate images "
                         "from builds included"),
    ("Data folder", lambda f: f.root_dir),
)  # fmt: skip


class EnginePane(QWidget):
    """Engine facts, lifecycle controls for the bundled engine, and its log.

    Signals: `start_bundled_requested()` when the user asks for the bundled engine while
    another (or none) is in use.
    """

    start_bundled_requested = Signal()
    use_kind_requested = Signal(str)  # "system", "bundled" or "vm"
    use_context_requested = Signal(object)  # an Endpoint
    title = "Engine"

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enginePane")
        self.session: EngineSession | None = None
        self.settings_dialog: QDialog | None = None
        self._last_state: Lifecycle | None = None

        self.heading = QLabel("<h2>Engine</h2>")
        self.where = QLabel()
        self.where.setObjectName("engineWhere")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        intro = QLabel(text("engine.page"))
        intro.setWordWrap(True)
        theme.mark(intro, "muted")

        self.offer = QGroupBox()
        self.offer.setObjectName("noEngineOffer")
        offer_layout = QVBoxLayout(self.offer)
        self.offer_title = QLabel(f"<h3>{text('engine.none', 'title')}</h3>")
        self.offer_reason = QLabel()
        self.offer_reason.setObjectName("noEngineReason")
        self.offer_reason.setWordWrap(True)
        offer_text = QLabel(f"{text('engine.none')}<br><br>{text('engine.none', 'offer')}")
        offer_text.setWordWrap(True)
        self.offer_button = QPushButton(f"Start the {in_sentence(own_engine().label)}")
        self.offer_button.setObjectName("startBundled")
        self.offer_button.clicked.connect(self.start_bundled_requested)
        for widget in (self.offer_title, self.offer_reason, offer_text):
            offer_layout.addWidget(widget)
        offer_layout.addWidget(self.offer_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.facts_box = QGroupBox("What the engine says about itself")
        self.facts_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.facts_form = QFormLayout(self.facts_box)
        self._fact_labels: dict[str, QLabel] = {}
        for name, _ in _FACTS:
            label = QLabel("…")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._fact_labels[name] = label
            self.facts_form.addRow(f"{name}:", label)

        self.bundled_box = QGroupBox("Bundled engine")
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("bundledStart")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("bundledStop")
        self.restart_button = QPushButton("Restart")
        self.restart_button.setObjectName("bundledRestart")
        self.reload_log_button = QPushButton("Reload log")
        self.settings_button = QPushButton("Settings…")
        self.settings_button.setObjectName("engineSettings")
        self.settings_button.setToolTip("Registry mirrors, logging, address pools and more: "
                                        "the engine's daemon.json")  # fmt: skip
        self.settings_button.clicked.connect(self._on_settings)
        self.machine_button = QPushButton("Machine…")
        self.machine_button.setObjectName("machineSettings")
        self.machine_button.setToolTip("CPUs, memory and disk of the VM the engine runs in")
        self.machine_button.clicked.connect(self._on_machine)
        self.settings_said = QLabel()
        self.settings_said.setObjectName("settingsSaid")
        self.settings_said.setWordWrap(True)
        self.settings_said.hide()
        self.start_button.clicked.connect(self._on_start)
        self.stop_button.clicked.connect(self._on_stop)
        self.restart_button.clicked.connect(self._on_restart)
        self.reload_log_button.clicked.connect(self._on_reload_log)
        self.lifecycle = QLabel()
        self.lifecycle.setObjectName("bundledLifecycle")
        self.lifecycle.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("engineDetails")
        self.details.setWordWrap(True)
        theme.mark(self.details, "muted")
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("bundledLog")
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setMinimumHeight(220)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QHBoxLayout()
        for button in (self.start_button, self.stop_button, self.restart_button,
                       self.settings_button, self.machine_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.reload_log_button)
        bundled_layout = QVBoxLayout(self.bundled_box)
        bundled_layout.addWidget(self.lifecycle)
        bundled_layout.addWidget(self.details)
        bundled_layout.addLayout(buttons)
        bundled_layout.addWidget(self.settings_said)
        bundled_layout.addWidget(self.log_view, 1)

        from desktop_app.panes.contexts import ContextsBox
        from desktop_app.panes.engine_kinds import EngineKindsBox

        self.kinds = EngineKindsBox()
        self.kinds.use_requested.connect(self.use_kind_requested)

        self.contexts_box = ContextsBox()
        self.contexts_box.use_requested.connect(self.use_context_requested)

        # The page scrolls rather than squeezing its rows when the window is short.
        page = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(page)
        header = QHBoxLayout()
        header.addWidget(self.heading)
        header.addStretch(1)
        layout.addLayout(header)
        layout.addWidget(self.where)
        layout.addWidget(intro)
        layout.addWidget(self.offer)
        layout.addWidget(self.facts_box)
        layout.addWidget(self.bundled_box, 1)
        layout.addWidget(self.kinds)
        layout.addWidget(self.contexts_box)
        layout.addStretch(0)
        self.show_no_engine("")
        self.offer.hide()

    # --- what is shown ----------------------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        if self.session is not None:
            self.session.facts_changed.disconnect(self.show_facts)
            self.session.provider_changed.disconnect(self._on_provider)
        self.session = session
        if session is None:
            return
        self.offer.hide()
        session.facts_changed.connect(self.show_facts)
        session.provider_changed.connect(self._on_provider)
        provider = session.provider
        self.where.setText(
            f"<b>{provider.label}</b> at <code>{provider.endpoint.host}</code>"
            + (f" — {provider.endpoint.description}" if provider.endpoint.description else "")
        )
        # An engine Dockyard runs itself gets its controls.
        managed = provider.manageable
        self.bundled_box.setVisible(managed)
        self.bundled_box.setTitle(provider.label)
        self.settings_button.setVisible(provider.settings is not None)
        self.machine_button.setVisible(provider.machine() is not None)
        self.kinds.show_in_use(provider.kind)
        self._last_state = None  # another engine: its log is read as its state is shown
        self._on_provider(provider.status)
        if session.facts is not None:
            self.show_facts(session.facts)

    def show_no_engine(self, reason: str) -> None:
        """No engine is in use: say why, and offer the bundled engine."""
        self.offer.show()
        self.offer_reason.setText(reason or "")
        self.offer_reason.setVisible(bool(reason))
        self.facts_box.hide()
        self.bundled_box.hide()
        self.kinds.show_in_use(None)
        self.where.setText("")

    def show_facts(self, facts: EngineFacts) -> None:
        self.facts_box.show()
        for name, value in _FACTS:
            self._fact_labels[name].setText(value(facts))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.session is not None and self.session.live:
            self._on_refresh_facts()

    @asyncSlot()
    async def _on_refresh_facts(self) -> None:
        """Counts of containers and images change: read the facts again when shown."""
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        # When this fails, the status bar and the banner already say that the engine is away.
        with contextlib.suppress(EngineError):
            facts = await bridge.refresh_facts()
            # The engine may have been switched, or the window closed, while we waited.
            if self.session is not None and self.session.bridge is bridge:
                self.show_facts(facts)

    def fact(self, name: str) -> str:
        return self._fact_labels[name].text()

    def _on_provider(self, status: ProviderStatus) -> None:
        state = status.state
        words = {
            Lifecycle.STOPPED: "Stopped.",
            Lifecycle.STARTING: f"Starting: {status.message}…" if status.message else "Starting…",
            Lifecycle.RUNNING: "Running.",
            Lifecycle.STOPPING: "Stopping…",
            Lifecycle.ERROR: f"Failed: {status.message}",
        }
        self.lifecycle.setText(words[state])
        if state is not self._last_state and state is not Lifecycle.STARTING:
            self._on_reload_log()  # what the engine said as it came up, or went down
        self._last_state = state
        provider = self.session.provider if self.session else None
        said = provider.details() if provider is not None and state is Lifecycle.RUNNING else ""
        self.details.setText(said)
        self.details.setVisible(bool(said))
        self.start_button.setEnabled(state in (Lifecycle.STOPPED, Lifecycle.ERROR))
        self.stop_button.setEnabled(state is Lifecycle.RUNNING)
        self.restart_button.setEnabled(state is Lifecycle.RUNNING)
        self.settings_button.setEnabled(state in (Lifecycle.RUNNING, Lifecycle.STOPPED,
                                                  Lifecycle.ERROR))  # fmt: skip

    # --- bundled engine controls ------------------------------------------------------

    def _managed(self) -> EngineProvider | None:
        """The engine in use when Dockyard can start and stop it."""
        provider = self.session.provider if self.session else None
        return provider if provider is not None and provider.manageable else None

    async def _control(self, *steps: str) -> None:
        engine = self._managed()
        if engine is None:
            return
        for button in (self.start_button, self.stop_button, self.restart_button):
            button.setEnabled(False)
        try:
            for step in steps:
                await (engine.start() if step == "start" else engine.stop())
            if self.session is not None and self.session.state is not None:
                self.session.state.retry_now()
        except EngineError as exc:
            self.lifecycle.setText(exc.in_words())
        finally:
            self._on_provider(engine.status)
            await self._reload_log()

    @asyncSlot()
    async def _on_start(self) -> None:
        await self._control("start")

    @asyncSlot()
    async def _on_stop(self) -> None:
        await self._control("stop")

    @asyncSlot()
    async def _on_restart(self) -> None:
        await self._control("stop", "start")

    @asyncSlot()
    async def _on_settings(self) -> None:
        engine = self._managed()
        if engine is None or engine.settings is None:
            return
        from desktop_app.dialogs import ask
        from desktop_app.dialogs.engine_settings import EngineSettingsDialog

        try:
            config = await run_blocking(None, engine.settings.read)
        except EngineError as exc:
            self._say_settings(exc.in_words(), "bad")
            return
        live_restore = bool(config.get("live-restore"))
        dialog = EngineSettingsDialog(config, engine.label.lower(), live_restore, self,
                                      reloads=engine.settings_live)  # fmt: skip
        if await ask(dialog, self, "settings_dialog") != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.config()
        if chosen is None:
            return
        self.settings_button.setEnabled(False)
        self._say_settings("Saving the settings; the engine takes them…", None)
        try:
            applied = await engine.apply_settings(chosen)
        except EngineError as exc:
            self._say_settings(exc.in_words(), "bad")
        else:
            outcome = {
                "live": "The engine took them without a restart and confirmed the reload.",
                "restart": "The engine restarted with them.",
                "next start": "The engine is stopped: it uses them when it starts.",
            }[applied.how]
            saved = (
                f"Saved ({', '.join(applied.changed)})." if applied.changed else "Nothing changed."
            )
            self._say_settings(f"{saved} {outcome}", "good")
            if self.session is not None and self.session.state is not None:
                self.session.state.retry_now()
        finally:
            self.settings_button.setEnabled(True)
            self._on_provider(engine.status)
            await self._reload_log()

    @asyncSlot()
    async def _on_machine(self) -> None:
        engine = self._managed()
        current = engine.machine() if engine is not None else None
        if engine is None or current is None:
            return
        from desktop_app.dialogs import ask
        from desktop_app.dialogs.machine_settings import MachineSettingsDialog

        running = engine.status.state is Lifecycle.RUNNING
        dialog = MachineSettingsDialog(current, running, self)
        if await ask(dialog, self, "settings_dialog") != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.chosen()
        if chosen == current:
            return
        try:
            await run_blocking(None, engine.choose_machine, chosen)
        except EngineError as exc:
            self._say_settings(exc.in_words(), "bad")
            return
        self._say_settings("Saved. " + ("Restart the engine to give the VM its new machine."
                                        if running else "The VM takes them when it starts."),
                           "good")  # fmt: skip

    def _say_settings(self, words: str, tone: str | None) -> None:
        self.settings_said.setText(words)
        theme.mark(self.settings_said, tone)
        self.settings_said.show()

    @asyncSlot()
    async def _on_reload_log(self) -> None:
        await self._reload_log()

    async def _reload_log(self) -> None:
        engine = self.session.provider if self.session else None
        if engine is None or not engine.has_log:
            return
        self.log_view.setPlainText(await engine.read_log(128 * 1024))
        bar = self.log_view.verticalScrollBar()
        bar.setValue(bar.maximum())
