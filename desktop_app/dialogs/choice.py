"""Ask the user to choose between a few actions (or cancel), saying what each one does."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app import theme


class ChoiceDialog(QDialog):
    """A question with one button per choice and Cancel.

    `choices` are (key, button text); buttons are named `choice_<key>`. After it closes,
    `chosen` holds the key of the button pressed, or None. With no choices it only informs.
    """

    def __init__(
        self,
        title: str,
        message: str,
        choices: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
        destructive: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("choiceDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.chosen: str | None = None
        text = QLabel(message)
        text.setObjectName("choiceMessage")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton("Cancel" if choices else "Close")
        close.setObjectName("choice_cancel")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        for key, label in choices:
            button = QPushButton(label)
            button.setObjectName(f"choice_{key}")
            if key in destructive:
                theme.mark(button, "bad")
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)

    def _choose(self, key: str) -> None:
        self.chosen = key
        self.accept()
