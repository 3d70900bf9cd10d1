"""The close look at one volume under the list: what it is in plain words, a friendly
summary, and its inspect document."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.volumes.rows import VolumeRow, inspect_summary
from desktop_app.widgets.summary_tabs import SummaryTabs


class VolumeDetails(SummaryTabs):
    """Tabs: Summary (with what a volume is), Inspect (the engine's JSON)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("volumeDetails")
        self.row: VolumeRow | None = None
        self.explain.setObjectName("volumeExplain")

    def show_row(self, row: VolumeRow | None, document: dict[str, object] | None = None) -> None:
        self.row = row
        self.show_rows(
            [(label, html.escape(value)) for label, value in inspect_summary(row)] if row else []
        )
        if row is None:
            self.inspect.set_document({})
            return
        topic = "volumes.anonymous" if row.volume.anonymous else "volumes.named"
        muted = theme.colour("muted")
        warn = ""
        if row.running_users:
            warn = f"<p>{text('volumes.copy', 'running')}</p>"
        self.explain.setText(
            f"<p style='color:{muted}'>{text(topic)}</p>{warn}"
            f"<p style='color:{muted}'>{text('volumes.remove')}</p>"
        )
        self.inspect.set_document(document if document is not None else {})
