"""Scale one service: how many containers it should run, with the command it stands for."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.dialogs import command_line, yes_and_cancel
from engine_bridge import ComposeProject

Commander = Callable[[str, int], tuple[str, ...]]


class ScaleDialog(QDialog):
    """Attributes: `service`, `count`, `command`, `scale_button`; `chosen()` is the ask."""

    def __init__(self, project: ComposeProject, commander: Commander, service: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("composeScaleDialog")
        self.setWindowTitle(f"Scale a service of {project.name}")
        self.project, self._commander = project, commander
        self.service = QComboBox()
        self.service.setAccessibleName("Service")
        for each in project.services:
            self.service.addItem(each.name)
        if service:
            self.service.setCurrentText(service)
        self.count = QSpinBox(minimum=0, maximum=100)
        self.count.setAccessibleName("Containers")
        explain = QLabel(
            "Compose adds containers to reach the number, or stops and removes the newest "
            "ones. A service that publishes a fixed host port can run only one container."
        )
        explain.setWordWrap(True)
        self.command = command_line()
        form = QFormLayout()
        form.addRow("Service:", self.service)
        form.addRow("Containers:", self.count)
        buttons, self.scale_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok,
                                                    "Scale")  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        self.service.currentTextChanged.connect(self._on_service)
        self.count.valueChanged.connect(lambda _n: self._refresh())
        self._on_service(self.service.currentText())

    def chosen(self) -> tuple[str, int]:
        return self.service.currentText(), self.count.value()

    def _on_service(self, name: str) -> None:
        service = self.project.service(name)
        self.count.setValue(len(service.containers) if service is not None else 1)
        self._refresh()

    def _refresh(self) -> None:
        self.command.setText(shlex.join(self._commander(*self.chosen())))
