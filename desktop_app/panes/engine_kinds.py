"""The engines on this computer that Dockyard can use, side by side on the Engine page, each
with what it is in a sentence and a button to switch to it (live: the panes follow)."""

from __future__ import annotations

import sys

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
    ("wsl", "WSL 2 engine",
     "Docker in a WSL 2 distribution of Dockyard's own, as Docker Desktop runs it on "
     "Windows; the ports its containers publish reach this computer's 127.0.0.1."),
)  # fmt: skip


def kinds_here(platform: str = sys.platform) -> tuple[str, ...]:
    """The kinds of engine Dockyard can run on this computer besides the system's."""
    return ("system", "wsl") if platform == "win32" else ("system", "bundled", "vm")


def in_sentence(name: str) -> str:
    """An engine's name inside a sentence: "bundled engine", "VM engine", "WSL 2 engine"."""
    return name if name.split()[0].isupper() else name[0].lower() + name[1:]


def _use(name: str) -> str:
    """The button's words: "Use the bundled engine", "Use the VM engine"."""
    return f"Use the {in_sentence(name)}"


class EngineKindsBox(QGroupBox):
    """Signal `use_requested(kind)`: "system", "bundled", "vm" or "wsl"."""

    use_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Engines on this computer", parent)
        self.setObjectName("engineKinds")
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        self.buttons: dict[str, QPushButton] = {}
        here = kinds_here()
        for row, (kind, name, about) in enumerate(k for k in KINDS if k[0] in here):
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
