"""Explanations where people meet things: "What is this?" beside the panes' headings and the
Run dialog's fields, and the Learn pane that gathers the concepts with a way to each pane."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QUrl

from desktop_app.learning import CONCEPTS, text
from desktop_app.panes.learn.pane import LearnPane
from desktop_app.widgets.what_is_this import WhatIsThis
from desktop_app.window import MainWindow
from tests.gui.conftest import until


def _concepts_in(widget: Any) -> set[str]:
    return {link.concept for link in widget.findChildren(WhatIsThis)}


def test_what_is_this_beside_headings_and_fields(window: MainWindow, run: Any) -> None:
    assert "concept.image-container" in _concepts_in(window.containers_pane)
    assert "concept.tags-digests" in _concepts_in(window.images_pane)
    assert "concept.volumes-binds" in _concepts_in(window.volumes_pane)
    link = next(iter(window.images_pane.findChildren(WhatIsThis)))
    assert text("concept.tags-digests") in link.toolTip()

    async def run_dialog() -> set[str]:
        opening = asyncio.ensure_future(window.containers_pane.open_run_dialog())
        await until(lambda: window.containers_pane.run_dialog is not None, 5, "Run dialog")
        dialog = window.containers_pane.run_dialog
        assert dialog is not None
        found = _concepts_in(dialog)
        dialog.reject()
        await opening
        return found

    assert {"concept.ports", "concept.volumes-binds", "concept.entrypoint-cmd",
            "concept.restart"} <= run(run_dialog())  # fmt: skip


def test_the_learn_pane_gathers_the_concepts_and_leads_to_the_panes(window: MainWindow) -> None:
    pane = window.panes["Learn"]
    assert isinstance(pane, LearnPane)
    window.show_pane("Learn")
    assert pane.concepts.count() == len(CONCEPTS) == 9
    titles = [pane.concepts.item(i).text() for i in range(pane.concepts.count())]
    assert "Published and exposed ports" in titles
    pane.concepts.setCurrentRow(titles.index("Networks"))
    assert text("concept.networks") in pane.page.toPlainText()
    assert "Go to the Networks pane" in pane.page.toPlainText()
    pane.page.anchorClicked.emit(QUrl("pane:Networks"))
    assert window.stack.currentWidget() is window.panes["Networks"]
    pane.guide_button.click()
    assert window.guide is not None
    assert window.guide_dock is not None
    assert window.guide_dock.isVisible()
    window.guide.leave()
