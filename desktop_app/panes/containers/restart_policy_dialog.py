"""Change the restart policy of an existing container (`docker update --restart`)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs import yes_and_cancel
from desktop_app.session import EngineSession
from desktop_app.widgets.restart_policy import RestartPolicyEditor
from engine_bridge import ContainerRef, EngineError, RestartPolicy, update_restart_policy


class RestartPolicyDialog(QDialog):
    """Attributes: `editor`, `command` (the docker command shown), `error`."""

    def __init__(
        self,
        session: EngineSession,
        container: ContainerRef,
        current: RestartPolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restartPolicyDialog")
        self.setWindowTitle(f"Restart policy of {container.name}")
        self.setMinimumWidth(480)
        self.session = session
        self.container = container
        self.editor = RestartPolicyEditor()
        self.editor.set_policy(current)
        self.command = QLabel()
        self.command.setObjectName("restartCommand")
        self.command.setWordWrap(True)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setWordWrap(True)
        theme.mark(self.error, "bad")
        self.error.hide()
        buttons, self.save = yes_and_cancel(
            self, QDialogButtonBox.StandardButton.Save, on_yes=self._on_save
        )
        self.save.setObjectName("saveRestartPolicy")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"What the engine does when <b>{container.name}</b> stops:"))
        layout.addWidget(self.editor)
        layout.addWidget(self.command)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.editor.changed.connect(self._show_command)
        self._show_command()

    def _show_command(self) -> None:
        operation = update_restart_policy(self.container, self.editor.policy())
        self.command.setText(
            f"The same with the docker command: <code>{html.escape(operation.command)}</code>"
        )
        # The explanation and the command change length with the policy: fit them whole.
        self.adjustSize()

    @asyncSlot()
    async def _on_save(self) -> None:
        self.save.setEnabled(False)
        try:
            await self.session.perform(update_restart_policy(self.container, self.editor.policy()))
        except EngineError as exc:
            self.error.setText(f"<b>{exc.title}.</b> {exc.message}")
            self.error.show()
            return
        finally:
            self.save.setEnabled(True)
        self.accept()
