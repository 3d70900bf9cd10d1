"""Dialogs, and the one way to wait for a dialog's answer without blocking the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from desktop_app import theme


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


async def ask(dialog: QDialog, holder: object = None, attribute: str = "dialog") -> int:
    """`answer()`, and the dialog deleted afterwards. While it is open it is `holder`'s
    `attribute` (so that tests and the window can find it); None after."""
    if holder is not None:
        setattr(holder, attribute, dialog)
    try:
        return await answer(dialog)
    finally:
        if holder is not None:
            setattr(holder, attribute, None)
        dialog.deleteLater()


def yes_and_cancel(
    dialog: QDialog,
    yes: QDialogButtonBox.StandardButton,
    words: str = "",
    on_yes: Callable[[], object] | None = None,
) -> tuple[QDialogButtonBox, QPushButton]:
    """The dialog's button row: Cancel, and `yes` (its words changed to `words` if given),
    which accepts the dialog or, given `on_yes`, calls that instead. Returns the row and the
    yes button."""
    buttons = QDialogButtonBox(yes | QDialogButtonBox.StandardButton.Cancel)
    button = buttons.button(yes)
    if words:
        button.setText(words)
    button.clicked.connect(on_yes if on_yes is not None else dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, button


def command_line() -> QLabel:
    """The line under a form that shows the docker command it stands for, selectable."""
    label = QLabel()
    label.setObjectName("dockerCommand")
    label.setProperty("role", "command")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def problem_line() -> QLabel:
    """The line under a form that says what is wrong with what was typed."""
    label = QLabel()
    label.setWordWrap(True)
    theme.mark(label, "bad")
    return label
