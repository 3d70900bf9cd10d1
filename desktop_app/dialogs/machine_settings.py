"""The VM engine's machine: CPUs, memory, disk size and whether it starts with the app. The
machine takes them at its next start, and the dialog says so."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import yes_and_cancel
from engine_bridge import MachineSettings


def _host_memory_mib() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20)
    except (OSError, ValueError):
        return 64 * 1024


class MachineSettingsDialog(QDialog):
    """Attributes: `cpus`, `memory`, `disk`, `start_with_app`, `note`; `chosen()` is the ask."""

    def __init__(self, current: MachineSettings, running: bool,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("machineSettingsDialog")
        self.setWindowTitle("The VM engine's machine")
        self.current = current
        self.cpus = QSpinBox(minimum=1, maximum=max(1, os.cpu_count() or 1), suffix=" CPUs")
        self.cpus.setValue(min(current.cpus, self.cpus.maximum()))
        host = _host_memory_mib()
        self.memory = QSpinBox(minimum=512, maximum=max(1024, host - 512), singleStep=256,
                               suffix=" MiB")  # fmt: skip
        self.memory.setValue(current.memory_mib)
        self.disk = QSpinBox(minimum=current.disk_gib, maximum=4096, suffix=" GiB")
        self.disk.setValue(current.disk_gib)
        self.start_with_app = QCheckBox("Start the VM engine when Dockyard starts")
        self.start_with_app.setChecked(current.start_with_app)
        about = QLabel(
            f"This computer has {os.cpu_count()} CPUs and {host / 1024:.1f} GiB of memory. The "
            "VM takes memory as the engine uses it and gives back what the engine frees. Its "
            "disk is a file that takes only the space images, containers and volumes use; it "
            "can be made larger, never smaller."
        )
        about.setWordWrap(True)
        theme.mark(about, "muted")
        self.note = QLabel(
            "The VM takes these at its next start: restart it on the Engine page."
            if running else "The VM takes these when it starts."
        )  # fmt: skip
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("CPUs:", self.cpus)
        form.addRow("Memory:", self.memory)
        form.addRow("Disk:", self.disk)
        form.addRow("", self.start_with_app)
        buttons, self.save_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def chosen(self) -> MachineSettings:
        return MachineSettings(self.cpus.value(), self.memory.value(), self.disk.value(),
                               self.start_with_app.isChecked())  # fmt: skip
