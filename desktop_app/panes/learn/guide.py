"""The first-run guide: a first container pulled, run with a published port, opened in the
browser, its log read, a shell opened in it, then stopped and removed, in the real panes.
Each step rings the control to use, says in two sentences what happens in Docker's terms, and
shows the docker command. It can be left and resumed (its progress is kept in the settings);
it ends by saying how long it took."""

from __future__ import annotations

import asyncio
import contextlib
import html
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import settings, theme
from desktop_app.learning import text
from desktop_app.panes.learn.highlight import Highlight
from engine_bridge import (
    ContainerRef,
    EngineError,
    Operation,
    diagnose_port,
    inspect_image,
    run_blocking,
)
from engine_bridge.specs.run_form import RunForm

if TYPE_CHECKING:
    from desktop_app.window import MainWindow

#: A small web server with a shell, which a first-time user has likely heard of.
GUIDE_IMAGE = "nginx:alpine"
GUIDE_NAME = "my-first-container"
STEPS = ("pull", "run", "browse", "logs", "terminal", "stop", "remove")
_BUTTONS = {"pull": "Pull {image}…", "run": "Run it…", "browse": "Open it in the browser",
            "logs": "Show its log", "terminal": "Open a shell in it", "stop": "Stop it",
            "remove": "Remove it…"}  # fmt: skip


@dataclass
class Progress:
    """Where the learner is; kept in the settings so that the guide can be resumed."""

    step: int = 0
    image: str = GUIDE_IMAGE
    container_port: int = 80
    host_port: int = 0
    name: str = GUIDE_NAME
    began: float = 0.0

    @staticmethod
    def load() -> Progress:
        kept = settings.store()
        found = Progress()
        for key, default in asdict(found).items():
            value = kept.value(f"guide/{key}", default)
            with contextlib.suppress(TypeError, ValueError):
                setattr(found, key, type(default)(value))
        return found

    def save(self) -> None:
        kept = settings.store()
        for key, value in asdict(self).items():
            kept.setValue(f"guide/{key}", value)
        kept.sync()


def _free_host_port(preferred: int = 8080) -> int:
    for port in (preferred, *range(8081, 8100)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(port)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page_answers(url: str, within: float = 10.0) -> int | None:
    """The HTTP status the page answers with (retrying while the server starts); None."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as page:
                return int(page.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.3)


class FirstRunGuide(QWidget):
    """The guide's panel. Attributes: `progress`, `heading`, `explain`, `command`,
    `go_button`, `status`, `local_images` and `use_image_button` (shown when the registry
    cannot be reached), `leave_button`, `highlight`, `waited` (seconds the app itself made
    the learner wait), `open_url` (how a page is opened in the browser). Signal
    `finished(seconds)`."""

    finished = Signal(float)
    left = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("firstRunGuide")
        self.setMinimumWidth(260)
        self.window_ = window
        self.progress = Progress.load()
        self.waited = 0.0
        self.open_url: Callable[[str], object] = lambda url: QDesktopServices.openUrl(QUrl(url))
        self.highlight = Highlight(self)
        self.done_commands: list[str] = []
        self.counter = QLabel()
        theme.mark(self.counter, "muted")
        self.heading = QLabel()
        self.heading.setObjectName("guideHeading")
        self.explain = QLabel()
        self.explain.setObjectName("guideExplain")
        self.command = QLabel()
        self.command.setObjectName("guideCommand")
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("guideStatus")
        for label in (self.heading, self.explain, self.command, self.status):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        self.go_button = QPushButton()
        self.go_button.setObjectName("guideGo")
        self.go_button.setDefault(True)
        self.go_button.clicked.connect(self.go)
        self.local_images = QComboBox()
        self.local_images.setObjectName("guideLocalImages")
        self.use_image_button = QPushButton("Use this image")
        self.use_image_button.setObjectName("guideUseImage")
        self.use_image_button.clicked.connect(self._on_use_image)
        self.mirror_button = QPushButton("Set a registry mirror…")
        self.mirror_button.setObjectName("guideMirror")
        self.mirror_button.setToolTip("The engine's settings: a mirror it pulls Docker Hub's "
                                      "images through")  # fmt: skip
        self.mirror_button.clicked.connect(self._on_mirror)
        self.leave_button = QPushButton("Leave the guide")
        self.leave_button.setObjectName("guideLeave")
        self.leave_button.setToolTip("Your progress is kept: Help, Your first container, "
                                     "goes on from here")  # fmt: skip
        self.leave_button.clicked.connect(self.leave)
        self.restart_button = QPushButton("Start over")
        self.restart_button.setObjectName("guideStartOver")
        self.restart_button.clicked.connect(lambda: self.start(fresh=True))
        local = QHBoxLayout()
        local.setContentsMargins(0, 0, 0, 0)
        local.addWidget(self.local_images, 1)
        local.addWidget(self.use_image_button)
        self.local_row = QWidget()
        self.local_row.setLayout(local)
        self.local_row.hide()
        self.mirror_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.restart_button)
        bottom.addStretch(1)
        bottom.addWidget(self.leave_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counter)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addWidget(self.command)
        layout.addWidget(self.go_button)
        layout.addWidget(self.local_row)
        layout.addWidget(self.status)
        layout.addWidget(self.mirror_button)
        layout.addStretch(1)
        layout.addLayout(bottom)

    # --- where the learner is ------------------------------------------------------------

    @property
    def step(self) -> str:
        return STEPS[self.progress.step] if self.progress.step < len(STEPS) else "done"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.progress.host_port}"

    def start(self, fresh: bool = False) -> None:
        """Begin, or go on from where the learner left (checked against the engine)."""
        if fresh or self.step == "done":
            self.progress = Progress(began=time.time())
            self.waited = 0.0
            self.done_commands = []
        elif not self.progress.began:
            self.progress.began = time.time()
        self._check_resumed()
        self.progress.save()
        self.show_step()

    def _check_resumed(self) -> None:
        """A step is only as far as the engine is: the container may be gone meanwhile."""
        session = self.window_.session
        if session is None or session.state is None or self.progress.step <= 1:
            return
        names = {c.name: c for c in session.state.of("container").values()}
        mine = names.get(self.progress.name)
        running = mine is not None and mine.state == "running"
        if mine is None:
            self.progress.step = 1  # run it (again)
        elif not running and self.progress.step == STEPS.index("stop"):
            self.progress.step += 1  # stopped meanwhile: on to removing it
        elif not running and self.progress.step < STEPS.index("stop"):
            self.progress.step = 1

    def command_of(self, step: str) -> str:
        p = self.progress
        return {
            "pull": f"docker pull {p.image}",
            "run": f"docker run -d --name {p.name} -p 127.0.0.1:{p.host_port or 8080}:"
                   f"{p.container_port} {p.image}",
            "browse": f"curl {self.url}",
            "logs": f"docker logs {p.name}",
            "terminal": f"docker exec -it {p.name} sh",
            "stop": f"docker stop {p.name}",
            "remove": f"docker rm {p.name}",
        }.get(step, "")  # fmt: skip

    def show_step(self) -> None:
        step = self.step
        self.local_row.hide()
        self.mirror_button.hide()
        self.status.clear()
        if step == "done":
            took = time.time() - self.progress.began if self.progress.began else 0.0
            minutes, seconds = divmod(round(took), 60)
            self.counter.setText("Finished")
            took_words = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
            self.heading.setText(f"<h3>{text('guide.done', 'title')}, in {took_words}</h3>")
            self.explain.setText(text("guide.done"))
            self.command.setText("<br>".join(f"<code>{html.escape(c)}</code>"
                                             for c in self.done_commands))  # fmt: skip
            self.go_button.hide()
            self.highlight.follow(None)
            return
        self.go_button.show()
        self.counter.setText(f"Step {self.progress.step + 1} of {len(STEPS)}")
        self.heading.setText(f"<h3>{text(f'guide.{step}', 'title')}</h3>")
        self.explain.setText(text(f"guide.{step}"))
        self.command.setText(f"<code>{html.escape(self.command_of(step))}</code>")
        self.go_button.setText(_BUTTONS[step].format(image=self.progress.image))
        self.highlight.follow(self.go_button)

    def _next(self, command: str = "") -> None:
        self.done_commands.append(command or self.command_of(self.step))
        self.progress.step += 1
        self.progress.save()
        self.show_step()
        if self.step == "done":
            took = time.time() - self.progress.began
            settings.store().setValue("guide/finished", True)
            self.finished.emit(took)

    def leave(self) -> None:
        """Close the guide; its progress stays for later."""
        self.progress.save()
        self.highlight.follow(None)
        self.left.emit()

    # --- doing the steps -----------------------------------------------------------------

    @asyncSlot()
    async def go(self) -> None:
        """Do the current step in the real panes."""
        step = self.step
        self.go_button.setEnabled(False)
        try:
            await getattr(self, f"_{step}")()
        except EngineError as exc:
            self.status.setText(html.escape(exc.in_words()))
        finally:
            self.go_button.setEnabled(True)

    def _ring_later(self, find: Callable[[], QWidget | None]) -> None:
        """Ring a control that appears once a dialog is open."""
        QTimer.singleShot(50, lambda: self.highlight.follow(find()))

    def _account(self, operation: Operation[Any] | None) -> None:
        if operation is not None and operation.started_at and operation.finished_at:
            self.waited += operation.finished_at - operation.started_at

    async def _pull(self) -> None:
        images = self.window_.images_pane
        self.window_.show_pane(images.title)
        self._ring_later(lambda: getattr(getattr(images, "dialog", None), "ok_button", None))
        done = await images.open_pull_dialog(self.progress.image)
        self._account(done)
        self.highlight.follow(self.go_button)
        if done is not None:
            self._next(done.command)
            return
        if images.last_error is not None:
            await self._offer_local_images(images.last_error)

    async def _offer_local_images(self, error: EngineError) -> None:
        """The registry cannot be reached: say so, and offer the images already here."""
        session = self.window_.session
        found = sorted({tag for image in (session.state.of("image").values()
                                          if session and session.state else [])
                        for tag in image.repo_tags if not tag.endswith(":<none>")})  # fmt: skip
        self.local_images.clear()
        self.local_images.addItems(found)
        self.local_row.setVisible(bool(found))
        provider = session.provider if session is not None else None
        self.mirror_button.setVisible(provider is not None and provider.settings is not None)
        said = html.escape(error.in_words(hint=False))
        self.status.setText(
            f"<b>{text('guide.unreachable', 'title')}</b>: {said}<br>{text('guide.unreachable')}"
            + ("" if found else " No image is on this engine yet.")
        )  # fmt: skip

    def _on_mirror(self) -> None:
        """The engine's settings, where registry mirrors are set."""
        engine = self.window_.engine_pane
        self.window_.show_pane(engine.title)
        self.highlight.follow(engine.settings_button)
        engine.settings_button.click()

    @asyncSlot()
    async def _on_use_image(self) -> None:
        chosen = self.local_images.currentText()
        bridge = self.window_.session.bridge if self.window_.session else None
        if not chosen or bridge is None:
            return
        port = 80
        try:
            facts = await inspect_image(bridge, chosen)
            ports = (facts.get("Config") or {}).get("ExposedPorts") or {}
            exposed = sorted(int(p.split("/")[0]) for p in ports if p.endswith("/tcp"))
            port = exposed[0] if exposed else port
        except (EngineError, AttributeError, ValueError):
            pass
        self.progress.image, self.progress.container_port = chosen, port
        self._next(f"# {chosen} is already on the engine: no pull needed")

    async def _run(self) -> None:
        panes = self.window_.containers_pane
        self.window_.show_pane(panes.title)
        session = self.window_.session
        taken = {c.name for c in session.state.of("container").values()} if session and \
            session.state else set()  # fmt: skip
        name, number = GUIDE_NAME, 2
        while name in taken:
            name, number = f"{GUIDE_NAME}-{number}", number + 1
        self.progress.name = name
        self.progress.host_port = await run_blocking(None, _free_host_port)
        form = RunForm(image=self.progress.image, name=name,
                       ports=[f"127.0.0.1:{self.progress.host_port}:"
                              f"{self.progress.container_port}"])  # fmt: skip
        self._ring_later(lambda: getattr(panes.run_dialog, "ports", None))
        made = await panes.open_run_dialog(form)
        self.highlight.follow(self.go_button)
        dialog_operation = self._last_operation("Run")
        self._account(dialog_operation)
        if made:
            self._next(dialog_operation.command if dialog_operation else "")

    def _last_operation(self, starts: str) -> Operation[Any] | None:
        session = self.window_.session
        if session is None or session.bridge is None:
            return None
        found = [op for op in session.bridge.operations.operations if op.title.startswith(starts)]
        return found[-1] if found else None

    async def _browse(self) -> None:
        self.open_url(self.url)
        began = time.monotonic()
        status = await run_blocking(None, _page_answers, self.url)
        self.waited += time.monotonic() - began
        if status is not None and status < 400:
            self.status.setText(f"The page answered at {self.url}.")
            self._next()
            return
        bridge = self.window_.session.bridge if self.window_.session else None
        if bridge is None:
            return
        found = await diagnose_port(bridge, self.progress.name, self.progress.container_port)
        said = f"It answered with HTTP {status}. " if status is not None else ""
        self.status.setText(f"<b>{html.escape(found.title)}</b><br>{said}"
                            f"{html.escape(found.words)}<br>{html.escape(found.hint)}")  # fmt: skip
        self.go_button.setText("Check again")

    async def _logs(self) -> None:
        panes = self.window_.containers_pane
        self.window_.show_pane(panes.title)
        panes.select([self.progress.name])
        panes.show_tab("Logs")
        self.highlight.follow(panes.details)
        self._next()

    async def _terminal(self) -> None:
        session = self.window_.session
        if session is None or session.state is None:
            return
        found = next((c for c in session.state.of("container").values()
                      if c.name == self.progress.name), None)  # fmt: skip
        if found is None:
            self.status.setText(f"{self.progress.name} is gone: run it again.")
            return
        terminals = self.window_.terminals_pane
        self.window_.show_pane(terminals.title)
        began = time.monotonic()
        tab = await terminals.open_exec(session, ContainerRef(found.id, found.name), ["sh"])
        self.waited += time.monotonic() - began
        self.highlight.follow(tab.view)
        self.status.setText("Try typing <code>ls /</code> or <code>ps</code> and Enter in it.")
        self._next()

    async def _stop(self) -> None:
        panes = self.window_.containers_pane
        self.window_.show_pane(panes.title)
        panes.select([self.progress.name])
        self.highlight.follow(panes.toolbar.widgetForAction(panes.stop_action))
        await panes.stop_selected()
        stopped = self._last_operation("Stop")
        self._account(stopped)
        if await self._until(lambda state: state not in ("running", "restarting")):
            self._next(stopped.command if stopped else "")

    async def _remove(self) -> None:
        panes = self.window_.containers_pane
        self.window_.show_pane(panes.title)
        panes.select([self.progress.name])
        self._ring_later(lambda: getattr(panes.remove_dialog, "remove_button", None))
        await panes.remove_selected()
        removed = self._last_operation("Remove")
        self._account(removed)
        self.highlight.follow(self.go_button)
        if await self._until(lambda state: state is None):
            self._next(removed.command if removed else "")

    async def _until(self, wanted: Callable[[str | None], bool], within: float = 5.0) -> bool:
        """Wait for the list to show the learner's container as `wanted` (events are seen a
        moment after an action returns)."""
        deadline = time.monotonic() + within
        while not wanted(self._state_of(self.progress.name)):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    def _state_of(self, name: str) -> str | None:
        session = self.window_.session
        if session is None or session.state is None:
            return None
        found = next((c for c in session.state.of("container").values() if c.name == name), None)
        return found.state if found is not None else None
