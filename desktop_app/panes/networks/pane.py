"""The Networks pane: every network with its address plan and the containers on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView, QWidget

from desktop_app.panes import PaneContext
from desktop_app.panes.base import ListPane
from desktop_app.panes.networks.rows import NetworkRows, rows_of
from desktop_app.presentation import counted
from desktop_app.tasks import LatestTask
from engine_bridge import EngineError, EngineState, NetworkSummary, inspect_network

if TYPE_CHECKING:
    from desktop_app.panes.networks.details import NetworkDetails


class NetworksPane(ListPane[NetworkSummary]):
    title = "Networks"
    kind = "network"
    topic = "networks"
    filter_hint = "Filter by name, subnet or container"
    fmt: NetworkRows = NetworkRows()

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self._inspecting = LatestTask("network-inspect")
        super().__init__(context, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def rows_from(self, state: EngineState) -> list[NetworkSummary]:
        return rows_of(state.of("network").values())

    def count_text(self, rows: Sequence[NetworkSummary]) -> str:
        if not rows:
            return ""
        mine = sum(1 for r in rows if not r.built_in)
        return f"{counted(len(rows), 'network')} · {mine} made by you or Compose"

    def make_details(self) -> NetworkDetails:
        from desktop_app.panes.networks.details import NetworkDetails

        return NetworkDetails()

    def show_details(self, row: NetworkSummary | None) -> None:
        details = self.details
        assert details is not None
        details.show_network(row)  # type: ignore[attr-defined]
        if row is not None and self.session is not None and self.session.bridge is not None:
            self._inspecting.start(self._inspect(row))

    async def _inspect(self, row: NetworkSummary) -> None:
        assert self.session is not None
        assert self.session.bridge is not None
        try:
            document = await inspect_network(self.session.bridge, row.id)
        except EngineError:
            return
        details = self.details
        if details is not None and details.network == row:  # type: ignore[attr-defined]
            details.show_network(row, document)  # type: ignore[attr-defined]

    def let_go(self) -> None:
        self._inspecting.cancel()
