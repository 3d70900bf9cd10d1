"""The engines on this computer that Dockyard can use, side by side on the Engine page, each
with what it is in a sentence and a button to switch to it (live: the panes follow)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from desktop_app import theme

#: kind, name, what it is.
KINDS = (
    ("system", "System engine",
     "The engine the docker command on this computer uses (its current context)."),
    ("bundled", "Bundled engine",
     "A Docker daemon that Dockyard runs on this computer itself, with its own images and "
     "containers. Starts in a second or two."),
    ("vm", "VM engine",
     "Docker in a small Linux virtual machine that Dockyard builds and runs with QEMU, as "
     "Docker Desktop does on macOS and Windows: kept apart from this computer. The first "
     "start builds the machine (about 150 MB of Debian packages); later starts take seconds "
     "with KVM, about half a minute without it."),
)  # fmt: skip


def _use(name: str) -> str:
    """The button's words: "Use the bundled engine", "Use the VM engine"."""
    first = name.split()[0]
    return f"Use the {name if first.isupper() else name[0].lower() + name[1:]}"


class EngineKindsBox(QGroupBox):
    """Signal `use_requested(kind)`: "system", "bundled" or "vm"."""

    use_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Engines on this computer", parent)
        self.setObjectName("engineKinds")
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        self.buttons: dict[str, QPushButton] = {}
        for row, (kind, name, about) in enumerate(KINDS):
            title = QLabel(f"<b>{name}</b>")
            words = QLabel(about)
            words.setWordWrap(True)
            theme.mark(words, "muted")
            button = QPushButton(_use(name))
            button.setObjectName(f"use-{kind}")
            button.clicked.connect(lambda _checked=False, k=kind: self.use_requested.emit(k))
            self.buttons[kind] = button
            grid.addWidget(title, row, 0)
            grid.addWidget(words, row, 1)
            grid.addWidget(button, row, 2)

    def show_in_use(self, kind: str | None) -> None:
        """Mark the engine in use: its button says so and is off."""
        for each, button in self.buttons.items():
            name = next(n for k, n, _a in KINDS if k == each)
            button.setEnabled(each != kind)
            button.setText("In use" if each == kind else _use(name))

    def busy(self, kind: str, words: str) -> None:
        """Say on a kind's button that it is being switched to."""
        for button in self.buttons.values():
            button.setEnabled(False)
        self.buttons[kind].setText(words)
