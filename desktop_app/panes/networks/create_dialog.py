"""Create a network: name, driver, address plan (checked as typed: a subnet that overlaps
another network or a route of this machine is refused), options, labels, and the docker
command it stands for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
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
from desktop_app.learning import text
from desktop_app.widgets.rows_editor import RowsEditor
from engine_bridge import NetworkForm, network_command, network_problems
from engine_bridge.specs.network_form import DRIVERS


class CreateNetworkDialog(QDialog):
    """Attributes: the fields, `problem`, `command`, `create_button`; `form()` is the ask."""

    def __init__(
        self,
        taken: Sequence[str],
        subnets: Mapping[str, str],
        routes: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createNetworkDialog")
        self.setWindowTitle("Create a network")
        self.taken, self.subnets, self.routes = list(taken), dict(subnets), list(routes)
        self.name = QLineEdit(placeholderText="e.g. shop")
        self.name.setAccessibleName("Name")
        self.driver = QComboBox()
        self.driver.setAccessibleName("Driver")
        self.driver.addItems(list(DRIVERS))
        self.subnet = QLineEdit(placeholderText="the engine picks one, e.g. 10.10.0.0/24")
        self.subnet.setAccessibleName("Subnet")
        self.gateway = QLineEdit(placeholderText="the first address of the subnet")
        self.gateway.setAccessibleName("Gateway")
        self.ip_range = QLineEdit(
            placeholderText="the whole subnet, or a part, e.g. 10.10.0.128/25"
        )
        self.ip_range.setAccessibleName("Addresses for containers")
        self.internal = QCheckBox("Internal: no way out to other networks (--internal)")
        self.attachable = QCheckBox("Attachable by containers started by hand (--attachable)")
        self.ipv6 = QCheckBox("IPv6 too (--ipv6)")
        self.subnet6 = QLineEdit(placeholderText="needed for IPv6, e.g. fd00:1:2::/64")
        self.subnet6.setAccessibleName("IPv6 subnet")
        self.gateway6 = QLineEdit(placeholderText="the first address of the IPv6 subnet")
        self.gateway6.setAccessibleName("IPv6 gateway")
        self.labels = RowsEditor("team=shop")
        self.labels.setAccessibleName("Labels")
        intro = QLabel(text("networks.about"))
        intro.setWordWrap(True)
        theme.mark(intro, "muted")
        self.problem = problem_line()
        self.command = command_line()
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Driver:", self.driver)
        form.addRow("Subnet:", self.subnet)
        form.addRow("Gateway:", self.gateway)
        form.addRow("Container addresses:", self.ip_range)
        form.addRow("", self.internal)
        form.addRow("", self.attachable)
        form.addRow("", self.ipv6)
        form.addRow("IPv6 subnet:", self.subnet6)
        form.addRow("IPv6 gateway:", self.gateway6)
        form.addRow("Labels:", self.labels)
        buttons, self.create_button = yes_and_cancel(
            self, QDialogButtonBox.StandardButton.Ok, "Create"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        for field in (self.name, self.subnet, self.gateway, self.ip_range, self.subnet6,
                      self.gateway6):  # fmt: skip
            field.textChanged.connect(self._refresh)
        self.driver.currentTextChanged.connect(self._refresh)
        for box in (self.internal, self.attachable, self.ipv6):
            box.toggled.connect(self._refresh)
        self.labels.changed.connect(self._refresh)
        self._refresh()

    def form(self) -> NetworkForm:
        labels = tuple(
            (v.partition("=")[0].strip(), v.partition("=")[2])
            for v in self.labels.values()
            if v.strip()
        )
        return NetworkForm(
            name=self.name.text().strip(), driver=self.driver.currentText(),
            subnet=self.subnet.text().strip(), gateway=self.gateway.text().strip(),
            ip_range=self.ip_range.text().strip(), internal=self.internal.isChecked(),
            attachable=self.attachable.isChecked(), ipv6=self.ipv6.isChecked(), labels=labels,
            subnet6=self.subnet6.text().strip(), gateway6=self.gateway6.text().strip(),
        )  # fmt: skip

    def _refresh(self) -> None:
        for field in (self.subnet6, self.gateway6):
            field.setEnabled(self.ipv6.isChecked())
        form = self.form()
        found = network_problems(form, self.taken, self.subnets, self.routes)
        if not form.name:
            found.pop("name", None)  # not a problem until the user starts
            self.create_button.setEnabled(False)
        else:
            self.create_button.setEnabled(not found)
        self.problem.setText(" ".join(found.values()))
        self.problem.setVisible(bool(found))
        for key, field in (("name", self.name), ("subnet", self.subnet),
                           ("gateway", self.gateway), ("ip_range", self.ip_range),
                           ("subnet6", self.subnet6), ("gateway6", self.gateway6)):  # fmt: skip
            theme.mark_problem(field, key in found)
        self.command.setText(network_command(form) if form.name else "docker network create …")
