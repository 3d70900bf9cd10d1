"""Dialogs, and the one way to wait for a dialog's answer without blocking the loop."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog


async def answer(dialog: QDialog) -> int:
    """Open `dialog` window-modal and wait for its result, leaving the event loop running.

    `exec()` would start a nested event loop inside a running coroutine; `open()` plus the
    `finished` signal does not.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(done)
    dialog.open()
    return await future
