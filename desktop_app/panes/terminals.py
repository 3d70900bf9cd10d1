"""The Terminals pane: shells in containers and attachments to their main process, as tabs
that live on while the user goes to other panes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import icons
from desktop_app.dialogs import ask
from desktop_app.learning import text
from desktop_app.panes import PaneContext
from desktop_app.session import EngineSession
from desktop_app.tasks import spawn
from engine_bridge import (
    DETACH_KEYS,
    SHELL_MISSING_CODES,
    ConnectionChange,
    ContainerRef,
    Endpoint,
    EngineError,
    TerminalSession,
    attach_terminal,
    close_terminal,
    open_exec_terminal,
    resize_terminal,
    send_to_terminal,
    terminal_exit_code,
)

if TYPE_CHECKING:
    from desktop_app.panes.local_terminal import LocalTerminalTab
    from desktop_app.widgets.terminal import TerminalView


class TerminalTab(QWidget):
    """One terminal: the view, the session behind it, and the task that feeds the view."""

    def __init__(self, session: EngineSession, ref: ContainerRef, parent: QWidget | None = None):
        super().__init__(parent)
        from desktop_app.widgets.terminal import TerminalView  # pyte: only once a terminal opens

        self.session = session
        self.ref = ref
        self.view: TerminalView = TerminalView()
        self.terminal: TerminalSession | None = None
        # How it was opened, to open it again after the engine connection was lost.
        self._reopen: Callable[[], Awaitable[None]] | None = None
        self.detaching = False
        self.ended = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._size: tuple[int, int] | None = None
        self.opened_size: tuple[int, int] | None = None  # the TTY's size when it was made
        self._writer: asyncio.Task[None] | None = spawn(self._write(), "terminal input")
        self.lost_bar = QWidget()
        self.lost_bar.setObjectName("terminalLost")
        self.lost_text = QLabel()
        self.lost_text.setWordWrap(True)
        self.reconnect_button = QPushButton("Reconnect")
        self.reconnect_button.setObjectName("reconnectTerminal")
        self.reconnect_button.clicked.connect(self._on_reconnect)
        bar = QHBoxLayout(self.lost_bar)
        bar.addWidget(self.lost_text, 1)
        bar.addWidget(self.reconnect_button)
        self.lost_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.lost_bar)
        self.view.typed.connect(self._on_typed)
        self.view.resized.connect(self._on_resized)
        session.connection_changed.connect(self._on_connection)

    async def start_exec(self, command: list[str], user: str) -> None:
        self._reopen = lambda: self.start_exec(command, user)
        bridge = self.session.bridge
        assert bridge is not None
        rows, cols = self.view.term.lines, self.view.term.columns
        self.opened_size = (rows, cols)
        self.terminal = await open_exec_terminal(bridge, self.ref.id, command, user, rows, cols)
        self.ended.clear()
        self._pump = spawn(self._read(), "terminal output")
        if self._size is not None and self._size != (rows, cols):
            self._outbox.put_nowait(b"")  # resized while it opened: apply the size now

    async def start_attach(self, tty: bool) -> None:
        self._reopen = lambda: self.start_attach(tty)
        bridge = self.session.bridge
        assert bridge is not None
        self.terminal = await attach_terminal(bridge, self.ref.id, tty)
        self.ended.clear()
        self._pump = spawn(self._read(), "terminal output")
        if tty:  # redraw the prompt: the attachment starts in the middle of the output
            await resize_terminal(bridge, self.terminal, self.view.term.lines,
                                   self.view.term.columns)  # fmt: skip

    async def _read(self) -> None:
        terminal, bridge = self.terminal, self.session.bridge
        assert terminal is not None
        assert bridge is not None
        received = 0
        failed: EngineError | None = None
        try:
            async for batch in terminal.output.batches():
                for chunk in batch:
                    received += len(chunk)
                    self.view.feed(chunk)
        except EngineError as exc:
            failed = exc
        if failed is not None and not failed.engine_unusable:
            self.view.note(failed.in_words(hint=False))
        await self._say_why_it_ended(received, lost=failed is not None and failed.engine_unusable)
        self.ended.set()

    async def _say_why_it_ended(self, received: int, lost: bool) -> None:
        terminal, bridge = self.terminal, self.session.bridge
        assert terminal is not None
        assert bridge is not None
        code = None
        if not lost and not terminal.attached:
            try:
                code = await terminal_exit_code(bridge, terminal)
            except EngineError as exc:
                lost = exc.engine_unusable
        if lost or not self.session.live:
            self._show_lost()
            return
        if terminal.attached:
            self.view.note(
                "Detached: the container keeps running."
                if self.detaching
                else "The container's main process ended; this terminal is closed."
            )
            return  # fmt: skip
        container = (
            self.session.state.of("container").get(self.ref.id) if self.session.state else None
        )
        if code in SHELL_MISSING_CODES:
            self.view.note(
                f"'{terminal.title}' cannot run in {self.ref.name}: the image has no such program. "
                "Slim images often have no shell at all; try another command."
            )
        elif container is not None and container.state != "running":
            self.view.note(f"{self.ref.name} stopped; this terminal is closed.")
        else:
            ending = f" with exit code {code}" if code is not None else ""
            self.view.note(f"'{terminal.title}' ended{ending}.")

    # --- a lost engine connection -----------------------------------------------------

    def _show_lost(self) -> None:
        """Say that the connection, not the program, ended; offer to open it again."""
        what = "attachment" if self._attached() else f"'{self._title()}'"
        self.view.note(
            f"The connection to the engine was lost, and this {what} with it. The program may "
            "still run in the container."
        )
        self.lost_bar.show()
        self._update_reconnect()

    def _attached(self) -> bool:
        return self.terminal is not None and self.terminal.attached

    def _title(self) -> str:
        return self.terminal.title if self.terminal is not None else "the terminal"

    def _update_reconnect(self) -> None:
        container = (
            self.session.state.of("container").get(self.ref.id) if self.session.state else None
        )
        if not self.session.live:
            self.lost_text.setText("Waiting for the engine to answer again…")
            self.reconnect_button.setEnabled(False)
        elif container is None or container.state != "running":
            self.lost_text.setText(
                f"The engine answers again, but {self.ref.name} is not running. Start it, "
                "then reconnect."
            )
            self.reconnect_button.setEnabled(container is not None)
        else:
            again = "Attach again" if self._attached() else f"Open '{self._title()}' again"
            self.lost_text.setText(f"The engine answers again. {again} in {self.ref.name}?")
            self.reconnect_button.setEnabled(True)

    def _on_connection(self, _change: ConnectionChange) -> None:
        if not self.lost_bar.isHidden():
            self._update_reconnect()

    @asyncSlot()
    async def _on_reconnect(self) -> None:
        if self._reopen is None or self.session.bridge is None:
            return
        self.reconnect_button.setEnabled(False)
        old = self.terminal
        try:
            if old is not None:
                await close_terminal(self.session.bridge, old)
            self.view.note("Reconnecting…")
            await self._reopen()
        except EngineError as exc:
            self.view.note(exc.in_words())
            self._update_reconnect()
            return
        self.lost_bar.hide()
        self.view.input_enabled = True
        self.view.setFocus()

    def _on_typed(self, data: bytes) -> None:
        if self.terminal is None:
            return
        if self.terminal.attached and data.endswith(DETACH_KEYS[-1:]):
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
                    await send_to_terminal(bridge, terminal, data)
                elif self._size is not None:
                    await resize_terminal(bridge, terminal, *self._size)

    async def shut(self) -> bool:
        """End the terminal: close its connection, end its program in the container, and
        stop its tasks. False when the program may still run there."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.session.connection_changed.disconnect(self._on_connection)
        for task in (self._pump, self._writer):
            if task is not None:
                task.cancel()
        if self.terminal is not None and self.session.bridge is not None:
            return await close_terminal(self.session.bridge, self.terminal)
        return True


class TerminalsPane(QWidget):
    """Every open terminal, one a tab, and a new one in any running container.
    Attributes: `tabs`, `new_button`, `session` (the engine in use), `dialog` (open now)."""

    title = "Terminals"

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("terminalsPane")
        self.session: EngineSession | None = None
        self.dialog: QWidget | None = None
        self.new_button = QPushButton("New terminal…")
        self.new_button.setObjectName("newTerminal")
        self.new_button.setToolTip("A shell in a running container (docker exec -it)")
        icons.put(self.new_button, "terminals")
        self.new_button.clicked.connect(self._on_new)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._on_close)
        self.empty = QLabel(
            f"<h3>{text('terminals.empty', 'title')}</h3><p>{text('terminals.empty')}</p>"
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(40)
        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("terminalsNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(f"<h2>{self.title}</h2>"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty, 1)
        self.tabs.hide()
        self.update_actions()

    # --- a new terminal of the pane's own ------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        self.session = session
        self.update_actions()

    def update_actions(self) -> None:
        self.new_button.setEnabled(self.session is not None and self.session.live)

    def running(self) -> list[ContainerRef]:
        """The running containers, by name."""
        state = self.session.state if self.session is not None else None
        found = state.of("container").values() if state is not None else []
        return sorted(
            (ContainerRef(c.id, c.name) for c in found if c.state == "running"),
            key=lambda ref: ref.name,
        )

    @asyncSlot()
    async def _on_new(self) -> None:
        from desktop_app.dialogs.terminal_options import OpenTerminalDialog

        session = self.session
        choices = self.running()
        if session is None:
            return
        if not choices:
            self.notice.setText(
                "No container is running: start one in Containers, then open a terminal in it."
            )
            self.notice.show()
            return
        dialog = OpenTerminalDialog(None, self, choices)
        if await ask(dialog, self):
            self.notice.hide()
            user = dialog.user.text().strip()
            await self.open_exec(session, dialog.ref(), dialog.argv(), user)

    def tab(self, index: int) -> TerminalTab | LocalTerminalTab:
        return cast("TerminalTab | LocalTerminalTab", self.tabs.widget(index))

    def open_local(self, endpoint: Endpoint | None, typed: str = "") -> LocalTerminalTab:
        """A shell on this computer aimed at the engine in use, with `typed` typed in."""
        from desktop_app.panes.local_terminal import LocalTerminalTab

        tab = LocalTerminalTab(endpoint, typed)
        self._show(tab, "This computer")
        try:
            tab.start()
        except EngineError as exc:
            tab.view.note(exc.in_words())
            return tab
        self.tabs.setTabText(self.tabs.indexOf(tab), tab.title)
        return tab

    async def open_exec(
        self, session: EngineSession, ref: ContainerRef, command: list[str], user: str = ""
    ) -> TerminalTab:
        tab = self._add(session, ref, f"{ref.name}: {' '.join(command)}")
        try:
            await tab.start_exec(command, user)
        except EngineError as exc:
            tab.view.note(exc.in_words())
        return tab

    async def open_attach(
        self, session: EngineSession, ref: ContainerRef, tty: bool
    ) -> TerminalTab:
        tab = self._add(session, ref, f"{ref.name}: attached")
        try:
            await tab.start_attach(tty)
        except EngineError as exc:
            tab.view.note(exc.in_words())
        return tab

    def _add(self, session: EngineSession, ref: ContainerRef, title: str) -> TerminalTab:
        tab = TerminalTab(session, ref)
        self._show(tab, title)
        return tab

    def _show(self, tab: TerminalTab | LocalTerminalTab, title: str) -> None:
        self.tabs.addTab(tab, title)
        self.tabs.setCurrentWidget(tab)
        self.tabs.show()
        self.empty.hide()
        # Lay the tab out now, so that the terminal opens at its real size, not 24x80.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        tab_layout = tab.layout()
        if tab_layout is not None:
            tab_layout.activate()
        tab.view.fit()
        tab.view.setFocus()

    def _on_close(self, index: int) -> None:
        tab = self.tab(index)
        self.tabs.removeTab(index)
        spawn(self._shut(tab), "closing a terminal")
        if not self.tabs.count():
            self.tabs.hide()
            self.empty.show()

    async def _shut(self, tab: TerminalTab | LocalTerminalTab) -> None:
        if not isinstance(tab, TerminalTab):
            await tab.shut()
            tab.deleteLater()
            return
        title = tab.terminal.title if tab.terminal is not None else "the terminal"
        name = tab.ref.name
        ended = await tab.shut()
        tab.deleteLater()
        if not ended:
            self.notice.setText(
                f"Closed '{title}' in {name}, but it may still run there: Dockyard could not "
                f"end it. docker top {name} lists its processes."
            )
            self.notice.show()

    async def close_all(self) -> None:
        while self.tabs.count():
            tab = self.tab(0)
            self.tabs.removeTab(0)
            await tab.shut()
            tab.deleteLater()
