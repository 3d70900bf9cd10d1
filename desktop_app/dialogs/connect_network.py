"""Connect a container to a network, from the network's side (which container?) or the
container's (which network?): the names it answers to there (aliases) and a fixed address
inside the network's subnet, with the command it stands for."""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import command_line, problem_line, yes_and_cancel
from engine_bridge import NetworkSummary


class ConnectDialog(QDialog):
    """Attributes: `network_box`, `container`, `aliases`, `address`, `problem`, `command`,
    `connect_button`; `network` is the chosen network. Given one network, the container is
    asked for; given one container, the network."""

    def __init__(
        self,
        networks: Sequence[NetworkSummary],
        containers: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.networks = {n.name: n for n in networks}
        if len(networks) == 1:
            self.setWindowTitle(f"Connect a container to {networks[0].name}")
        else:
            self.setWindowTitle(f"Connect {containers[0] if containers else ''} to a network")
        self.network_box = QComboBox()
        self.network_box.setAccessibleName("Network")
        self.network_box.addItems(list(self.networks))
        self.network_box.setEnabled(len(networks) > 1)
        self.container = QComboBox()
        self.container.setAccessibleName("Container")
        self.container.addItems(list(containers))
        self.container.setEnabled(len(containers) > 1 or len(networks) == 1)
        self.aliases = QLineEdit(placeholderText="other names on this network, e.g. db cache")
        self.aliases.setAccessibleName("Aliases")
        self.address = QLineEdit()
        self.address.setAccessibleName("Fixed address")
        note = QLabel(
            "On a network you made, other containers find this one by its name and by its "
            "aliases. A fixed address needs a network created with a subnet."
        )
        note.setWordWrap(True)
        theme.mark(note, "muted")
        self.problem = problem_line()
        self.command = command_line()
        form = QFormLayout()
        form.addRow("Network:", self.network_box)
        form.addRow("Container:", self.container)
        form.addRow("Aliases:", self.aliases)
        form.addRow("Fixed address:", self.address)
        buttons, self.connect_button = yes_and_cancel(
            self, QDialogButtonBox.StandardButton.Ok, "Connect"
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        for field in (self.aliases, self.address):
            field.textChanged.connect(self._refresh)
        self.container.currentTextChanged.connect(self._refresh)
        self.network_box.currentTextChanged.connect(self._refresh)
        self._refresh()

    @property
    def network(self) -> NetworkSummary:
        return self.networks[self.network_box.currentText()]

    def values(self) -> tuple[str, tuple[str, ...], str]:
        return (self.container.currentText(), tuple(self.aliases.text().replace(",", " ").split()),
                self.address.text().strip())  # fmt: skip

    def _problem(self) -> str:
        if not self.networks:
            return "No network to connect to."
        container, _aliases, address = self.values()
        if not container:
            return "No container to connect."
        if not address:
            return ""
        try:
            chosen = ipaddress.ip_address(address)
        except ValueError:
            return f"'{address}' is not an address, e.g. 10.10.0.20."
        subnets = [ipaddress.ip_network(s, strict=False) for s in self.network.subnets]
        if not subnets:
            return "This network has no subnet of its own: a fixed address needs one."
        if not any(chosen in s for s in subnets):
            return f"{address} is not inside {', '.join(self.network.subnets)}."
        taken = {a.ipv4.split("/")[0] for a in self.network.containers}
        if address in taken:
            return f"{address} is taken on {self.network.name}."
        return ""

    def _refresh(self) -> None:
        subnets = self.network.subnets if self.networks else ()
        self.address.setPlaceholderText(f"any free one in {subnets[0]}" if subnets else "any")
        problem = self._problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        theme.mark_problem(self.address, bool(problem) and bool(self.address.text().strip()))
        self.connect_button.setEnabled(not problem)
        container, aliases, address = self.values()
        argv = ["docker", "network", "connect"]
        for alias in aliases:
            argv += ["--alias", alias]
        if address:
            argv += ["--ip", address]
        network = self.network.name if self.networks else "NETWORK"
        self.command.setText(shlex.join([*argv, network, container or "CONTAINER"]))
