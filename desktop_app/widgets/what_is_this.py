"""A "What is this?" link beside a field, column or heading: the Docker concept met there,
explained in a few sentences (on hover, and in a popup on a click), with the way on to the
Learn pane."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton, QToolTip, QWidget

from desktop_app.learning import text


def concept_html(concept: str) -> str:
    return (f"<b>{text(concept, 'title')}</b><p>{text(concept)}</p>"
            "<p><i>All the concepts are in the Learn pane.</i></p>")  # fmt: skip


class WhatIsThis(QToolButton):
    """Attributes: `concept` (its key in the learning texts)."""

    def __init__(self, concept: str, words: str = "What is this?",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.concept = concept
        self.setObjectName("whatIsThis")
        self.setText(words)
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(concept_html(concept))
        self.setAccessibleName(f"{words} {text(concept, 'title')}")
        self.clicked.connect(self.explain)

    def explain(self) -> None:
        """Show the explanation under the link until the pointer moves away."""
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.toolTip(), self)
