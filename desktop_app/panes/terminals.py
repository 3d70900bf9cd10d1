"""The Terminals pane: shells in containers and attachments to their main process, as tabs
that live on while the user goes to other panes."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop_app.learning import text
from desktop_app.session import EngineSession
from engine_bridge import terminals
from engine_bridge.errors import EngineError
from engine_bridge.operations import ContainerRef

if TYPE_CHECKING:
    from desktop_app.widgets.terminal import TerminalView


class TerminalTab(QWidget):
    """One terminal: the view, the session behind it, and the task that feeds the view."""

    def __init__(self, session: EngineSession, ref: ContainerRef, parent: QWidget | None = None):
        super().__init__(parent)
        from desktop_app.widgets.terminal import TerminalView  # pyte: only once a terminal opens

        self.session = session
        self.ref = ref
        self.view: TerminalView = TerminalView()
        self.terminal: terminals.TerminalSession | None = None
        self.detaching = False
        self.ended = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._size: tuple[int, int] | None = None
        self._writer: asyncio.Task[None] | None = asyncio.ensure_future(self._write())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.typed.connect(self._on_typed)
        self.view.resized.connect(self._on_resized)

    async def start_exec(self, command: list[str], user: str) -> None:
        bridge = self.session.bridge
        assert bridge is not None
        rows, cols = self.view.term.lines, self.view.term.columns
        self.terminal = await terminals.open_exec(bridge, self.ref.id, command, user, rows, cols)
        self._pump = asyncio.ensure_future(self._read())

    async def start_attach(self, tty: bool) -> None:
        bridge = self.session.bridge
        assert bridge is not None
        self.terminal = await terminals.attach(bridge, self.ref.id, tty)
        self._pump = asyncio.ensure_future(self._read())
        if tty:  # redraw the prompt: the attachment starts in the middle of the output
            await terminals.resize(bridge, self.terminal, self.view.term.lines,
                                   self.view.term.columns)  # fmt: skip

    async def _read(self) -> None:
        terminal, bridge = self.terminal, self.session.bridge
        assert terminal is not None
        assert bridge is not None
        received = 0
        try:
            async for batch in terminal.output.batches():
                for chunk in batch:
                    received += len(chunk)
                    self.view.feed(chunk)
        except EngineError as exc:
            self.view.note(f"{exc.title}. {exc.message}")
        await self._say_why_it_ended(received)
        self.ended.set()

    async def _say_why_it_ended(self, received: int) -> None:
        terminal, bridge = self.terminal, self.session.bridge
        assert terminal is not None
        assert bridge is not None
        if terminal.attached:
            self.view.note(
                "Detached: the container keeps running."
                if self.detaching
                else "The container's main process ended; this terminal is closed."
            )
            return  # fmt: skip
        code = None
        with contextlib.suppress(EngineError):
            code = await terminals.exit_code(bridge, terminal)
        container = self.session.state.containers.get(self.ref.id) if self.session.state else None
        if code in terminals.SHELL_MISSING_CODES:
            self.view.note(
                f"'{terminal.title}' cannot run in {self.ref.name}: the image has no such program. "
                "Slim images often have no shell at all; try another command."
            )
        elif container is not None and container.state != "running":
            self.view.note(f"{self.ref.name} stopped; this terminal is closed.")
        else:
            self.view.note(f"'{terminal.title}' ended (exit code {code}).")

    def _on_typed(self, data: bytes) -> None:
        if self.terminal is None:
            return
        if self.terminal.attached and data.endswith(terminals.DETACH_KEYS[-1:]):
            self.detaching = True
        self._outbox.put_nowait(data)

    def _on_resized(self, rows: int, cols: int) -> None:
        self._size = (rows, cols)
        self._outbox.put_nowait(b"")  # an empty item asks the writer to apply the size

    async def _write(self) -> None:
        """Send keys in the order they were typed, and sizes as they change, off the UI thread."""
        while True:
            data = await self._outbox.get()
            terminal, bridge = self.terminal, self.session.bridge
            if terminal is None or bridge is None or self.ended.is_set():
                continue
            with contextlib.suppress(EngineError):
                if data:
                    await terminals.send(bridge, terminal, data)
                elif self._size is not None:
                    await terminals.resize(bridge, terminal, *self._size)

    async def shut(self) -> None:
        """End the terminal: close its connection and stop its tasks."""
        for task in (self._pump, self._writer):
            if task is not None:
                task.cancel()
        if self.terminal is not None and self.session.bridge is not None:
            await terminals.close(self.session.bridge, self.terminal)


class TerminalsPane(QWidget):
    """Every open terminal, one a tab. Attributes: `tabs`."""

    title = "Terminals"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("terminalsPane")
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._on_close)
        self._closing: set[asyncio.Task[None]] = set()
        self.empty = QLabel(
            f"<h3>{text('terminals.empty', 'title')}</h3><p>{text('terminals.empty')}</p>"
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(40)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{self.title}</h2>"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty, 1)
        self.tabs.hide()

    def tab(self, index: int) -> TerminalTab:
        widget = self.tabs.widget(index)
        assert isinstance(widget, TerminalTab)
        return widget

    async def open_exec(
        self, session: EngineSession, ref: ContainerRef, command: list[str], user: str = ""
    ) -> TerminalTab:
        tab = self._add(session, ref, f"{ref.name}: {' '.join(command)}")
        try:
            await tab.start_exec(command, user)
        except EngineError as exc:
            tab.view.note(f"{exc.title}. {exc.message} {exc.hint}".strip())
        return tab

    async def open_attach(
        self, session: EngineSession, ref: ContainerRef, tty: bool
    ) -> TerminalTab:
        tab = self._add(session, ref, f"{ref.name}: attached")
        try:
            await tab.start_attach(tty)
        except EngineError as exc:
            tab.view.note(f"{exc.title}. {exc.message} {exc.hint}".strip())
        return tab

    def _add(self, session: EngineSession, ref: ContainerRef, title: str) -> TerminalTab:
        tab = TerminalTab(session, ref)
        self.tabs.addTab(tab, title)
        self.tabs.setCurrentWidget(tab)
        self.tabs.show()
        self.empty.hide()
        tab.view.setFocus()
        return tab

    def _on_close(self, index: int) -> None:
        tab = self.tab(index)
        self.tabs.removeTab(index)
        self._closing.add(asyncio.ensure_future(tab.shut()))
        self._closing = {t for t in self._closing if not t.done()}
        tab.deleteLater()
        if not self.tabs.count():
            self.tabs.hide()
            self.empty.show()

    async def close_all(self) -> None:
        while self.tabs.count():
            tab = self.tab(0)
            self.tabs.removeTab(0)
            await tab.shut()
            tab.deleteLater()
