"""The Learn pane: the first-container guide, and the Docker concepts the panes show "What is
this?" for, gathered in one place, each with the way to the pane where it is met."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import CONCEPTS, text
from desktop_app.panes import PaneContext


class LearnPane(QWidget):
    """Attributes: `concepts` (the list), `page` (the chosen concept), `guide_button`."""

    title = "Learn"

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learnPane")
        heading = QLabel(f"<h2>{self.title}</h2>")
        intro = QLabel(text("guide.intro"))
        intro.setWordWrap(True)
        theme.mark(intro, "muted")
        self.guide_button = QPushButton("Start the first-container guide")
        self.guide_button.setObjectName("startGuide")
        self.guide_button.clicked.connect(self._on_guide)
        self.concepts = QListWidget()
        self.concepts.setObjectName("learnConcepts")
        self.concepts.setAccessibleName("Concepts")
        self.concepts.setMaximumWidth(260)
        for concept in CONCEPTS:
            self.concepts.addItem(text(concept, "title"))
        self.page = QTextBrowser()
        self.page.setObjectName("learnPage")
        self.page.setAccessibleName("About the chosen concept")
        self.page.setOpenLinks(False)
        self.page.anchorClicked.connect(self._on_link)
        self.concepts.currentRowChanged.connect(self.show_concept)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.guide_button)
        body = QHBoxLayout()
        body.addWidget(self.concepts)
        body.addWidget(self.page, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.concepts.setCurrentRow(0)
        theme.changes().changed.connect(self._on_theme)  # a slot of the pane: it goes with it

    def show_concept(self, row: int) -> None:
        if not 0 <= row < len(CONCEPTS):
            return
        concept = CONCEPTS[row]
        pane = text(concept, "pane")
        link = theme.colour("link")  # the page's own default is a blue lost on dark
        self.page.setHtml(f"<h3>{text(concept, 'title')}</h3><p>{text(concept)}</p>"
                          f'<p><a style="color:{link}" href="pane:{pane}">Go to the {pane} '
                          "pane</a></p>")  # fmt: skip

    def _on_theme(self) -> None:
        self.show_concept(self.concepts.currentRow())

    def _on_link(self, link: QUrl) -> None:
        target = link.toString().removeprefix("pane:")
        window = self.window()
        show = getattr(window, "show_pane", None)
        if show is not None and target in getattr(window, "panes", {}):
            show(target)

    def _on_guide(self) -> None:
        show = getattr(self.window(), "show_guide", None)
        if show is not None:
            show()
