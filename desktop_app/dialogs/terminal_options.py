"""Ask what to run in a new terminal, and run one command for its output (`docker exec`)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs import yes_and_cancel
from desktop_app.session import EngineSession
from engine_bridge import SHELL_MISSING_CODES, ContainerRef, EngineError, run_command


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return []


class OpenTerminalDialog(QDialog):
    """A terminal in `ref`, or (given `choices`, the running containers) in the one chosen.
    Attributes: `container` (with choices), `command` (editable: sh, bash, or anything),
    `user`; `ref()` is the container chosen."""

    def __init__(
        self,
        ref: ContainerRef | None,
        parent: QWidget | None = None,
        choices: Sequence[ContainerRef] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("openTerminalDialog")
        self.choices = list(choices) or ([ref] if ref is not None else [])
        self.setWindowTitle(f"Open a terminal in {ref.name}" if ref else "Open a terminal")
        self.container = QComboBox()
        self.container.setAccessibleName("Container")
        for choice in self.choices:
            self.container.addItem(choice.name)
        self.command = QComboBox()
        self.command.setAccessibleName("Command")
        self.command.setEditable(True)
        self.command.addItems(["sh", "bash", "/bin/ash"])
        self.user = QLineEdit(placeholderText="The container's user, e.g. root or 1000")
        self.user.setAccessibleName("User")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        theme.mark(self.hint, "muted")
        self.command.currentTextChanged.connect(self._show_command)
        self.container.currentIndexChanged.connect(self._show_command)
        self.user.textChanged.connect(self._show_command)
        self._show_command()
        form = QFormLayout()
        if ref is None:
            form.addRow("Container:", self.container)
        form.addRow("Command:", self.command)
        form.addRow("User:", self.user)
        buttons, _open = yes_and_cancel(self, QDialogButtonBox.StandardButton.Open)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def ref(self) -> ContainerRef:
        return self.choices[max(0, self.container.currentIndex())]

    def _show_command(self) -> None:
        name = self.ref().name if self.choices else "CONTAINER"
        argv = ["docker", "exec", "-it", *self._user_flag(), name, *self.argv()]
        self.hint.setText(f"The same with the docker command: {shlex.join(argv)}")

    def _user_flag(self) -> list[str]:
        return ["-u", self.user.text().strip()] if self.user.text().strip() else []

    def argv(self) -> list[str]:
        return _split(self.command.currentText()) or ["sh"]


class RunCommandDialog(QDialog):
    """Run one command in a container and show what it printed and its exit code."""

    def __init__(self, session: EngineSession, ref: ContainerRef, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("runCommandDialog")
        self.setWindowTitle(f"Run a command in {ref.name}")
        self.resize(640, 420)
        self.session = session
        self.ref = ref
        self.command = QLineEdit(placeholderText="e.g. ls -l /etc")
        self.command.setObjectName("commandLine")
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runCommandButton")
        self.run_button.clicked.connect(self._on_run)
        self.command.returnPressed.connect(self._on_run)
        self.equivalent = QLabel()
        theme.mark(self.equivalent, "muted")
        self.output = QPlainTextEdit()
        self.output.setObjectName("commandOutput")
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.exit_code = QLabel()
        self.exit_code.setObjectName("commandExitCode")
        layout = QVBoxLayout(self)
        layout.addWidget(self.command)
        layout.addWidget(self.run_button)
        layout.addWidget(self.equivalent)
        layout.addWidget(self.output, 1)
        layout.addWidget(self.exit_code)

    @asyncSlot()
    async def _on_run(self) -> None:
        await self.run()

    async def run(self) -> None:
        argv = _split(self.command.text())
        bridge = self.session.bridge
        if not argv or bridge is None:
            self.exit_code.setText("Write a command first (quotes must be closed).")
            return
        self.equivalent.setText(
            "The same with the docker command: "
            + shlex.join(["docker", "exec", self.ref.name, *argv])
        )
        self.run_button.setEnabled(False)
        try:
            result = await run_command(bridge, self.ref.id, argv)
        except EngineError as exc:
            self.output.setPlainText(exc.in_words())
            self.exit_code.setText("")
            return
        finally:
            self.run_button.setEnabled(True)
        text = result.stdout + (f"\n--- on stderr ---\n{result.stderr}" if result.stderr else "")
        self.output.setPlainText(text)
        missing = result.exit_code in SHELL_MISSING_CODES
        self.exit_code.setText(
            f"Exit code {result.exit_code}"
            + (" — the program was not found or cannot run in this image." if missing else "")
        )
