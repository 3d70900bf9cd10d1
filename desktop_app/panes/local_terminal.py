"""A terminal tab with a shell on this computer, aimed at the engine in use, where a command
from the command log is typed in (not run) for the learner to read, change and run."""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.tasks import spawn
from desktop_app.widgets.terminal import TerminalView
from engine_bridge import Endpoint, LocalShell, run_blocking


class LocalTerminalTab(QWidget):
    """`view`, `shell`; `typed` is written in once the shell's prompt has appeared."""

    def __init__(self, endpoint: Endpoint | None, typed: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.view = TerminalView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self.endpoint = endpoint
        self.typed = typed
        self.shell: LocalShell | None = None
        self.ended = asyncio.Event()
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self.view.typed.connect(self._outbox.put_nowait)
        self.view.resized.connect(self._on_resized)

    @property
    def title(self) -> str:
        return self.shell.title if self.shell is not None else "this computer"

    def start(self) -> None:
        """Open the shell (raises EngineError where there can be none)."""
        self.shell = LocalShell(self.endpoint, self.view.term.lines, self.view.term.columns)
        self.shell.open()
        self._pump = spawn(self._read(), "local shell output")
        self._writer = spawn(self._write(), "local shell input")

    async def _read(self) -> None:
        shell = self.shell
        assert shell is not None
        async for batch in shell.output.batches():
            for chunk in batch:
                self.view.feed(chunk)
            if self.typed:  # the prompt is there: type the command in, without Enter
                self._outbox.put_nowait(self.typed.encode())
                self.typed = ""
        self.view.note("The shell ended; this terminal is closed.")
        self.ended.set()

    async def _write(self) -> None:
        while True:
            data = await self._outbox.get()
            shell = self.shell
            if shell is None or self.ended.is_set():
                continue
            with contextlib.suppress(OSError):
                await run_blocking(None, shell.send, data)

    def _on_resized(self, rows: int, cols: int) -> None:
        if self.shell is not None:
            self.shell.resize(rows, cols)

    async def shut(self) -> bool:
        for task in (self._pump, self._writer):
            if task is not None:
                task.cancel()
        if self.shell is not None:
            await run_blocking(None, self.shell.close)
            with contextlib.suppress(Exception):
                await self.shell.output.aclose()
        return True
