"""Ask for an image reference (to pull, or to tag an image with), checking it as it is
typed and explaining the form it takes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import command_line, problem_line, yes_and_cancel
from desktop_app.learning import text
from engine_bridge.specs import SpecError
from engine_bridge.specs.image_ref import parse_image_ref


class ImageReferenceDialog(QDialog):
    """One reference field with live checking. Attributes: `reference` (the field),
    `problem` (what is wrong with it, if anything), `command` (the docker command it
    makes), `ok_button`."""

    def __init__(
        self,
        title: str,
        action: str,
        help_topic: str,
        initial: str = "",
        command_of: Callable[[str], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageReferenceDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self._command_of = command_of
        self.reference = QLineEdit(initial)
        self.reference.setObjectName("imageReference")
        self.reference.setPlaceholderText("for example 127.0.0.1:5000/team/web:1.0")
        explanation = QLabel(text(help_topic))
        explanation.setWordWrap(True)
        theme.mark(explanation, "muted")
        self.problem = problem_line()
        self.problem.setObjectName("referenceProblem")
        self.command = command_line()
        self.command.setObjectName("referenceCommand")
        buttons, self.ok_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok, action)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reference)
        layout.addWidget(self.problem)
        layout.addWidget(explanation)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        self.reference.textChanged.connect(self._check)
        self._check(initial)

    def value(self) -> str:
        return self.reference.text().strip()

    def _check(self, value: str) -> None:
        problem = ""
        try:
            parse_image_ref(value)
        except SpecError as exc:
            problem = str(exc) if value.strip() else ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        valid = bool(value.strip()) and not problem
        self.ok_button.setEnabled(valid)
        if self._command_of is not None:
            self.command.setText(self._command_of(value.strip()) if valid else "")
