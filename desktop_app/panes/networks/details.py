"""The close look at one network: its address plan, the containers on it with their
addresses, what a network is in plain words, and its inspect document."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.networks.rows import flags
from desktop_app.widgets.summary_tabs import SummaryTabs
from engine_bridge import NetworkSummary


class NetworkDetails(SummaryTabs):
    """Tabs: Summary, Inspect. Attributes: `network` (shown), and SummaryTabs' own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkDetails")
        self.network: NetworkSummary | None = None
        theme.mark(self.explain, "muted")

    def show_network(
        self, network: NetworkSummary | None, document: dict[str, object] | None = None
    ) -> None:
        self.network = network
        if network is None:
            self.show_rows([])
            self.inspect.set_document({})
            self.explain.setText("")
            return
        on_it = "<br>".join(
            html.escape(
                f"{a.name}: {a.ipv4 or 'no IPv4 address'}" + (f", {a.ipv6}" if a.ipv6 else "")
            )
            for a in network.containers
        )
        rows = [
            (
                "Name",
                html.escape(network.name) + ("  (made by the engine)" if network.built_in else ""),
            ),
            ("ID", network.short_id),
            ("Driver", html.escape(network.driver)),
            ("Subnet", html.escape(", ".join(network.subnets) or "none")),
            ("Gateway", html.escape(", ".join(network.gateways) or "none")),
            ("Options", html.escape(flags(network) or "none")),
            ("Compose project", html.escape(network.compose_project or "none")),
            ("Containers", on_it or "none"),
        ]
        self.show_rows(rows)
        self.explain.setText(text("networks.about"))
        self.inspect.set_document(document if document is not None else {})
