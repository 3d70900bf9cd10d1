"""The port doctor's dialog: for a container's port, why the browser shows nothing, in words,
with what to do and what does listen in the container."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.session import EngineSession
from engine_bridge import ContainerSummary, EngineError, PortDiagnosis, diagnose_port


def doctor_ports(container: ContainerSummary) -> list[int]:
    """The container's TCP ports worth asking about: published first, then exposed."""
    published = sorted({p.container_port for p in container.ports
                        if p.protocol == "tcp" and p.published})  # fmt: skip
    exposed = sorted({p.container_port for p in container.ports if p.protocol == "tcp"})
    return published + [port for port in exposed if port not in published]


class PortDoctorDialog(QDialog):
    """Attributes: `port` (the choice), `title`, `words`, `hint`, `listening`, `found` (the
    last diagnosis), `check_button`."""

    def __init__(self, session: EngineSession, container: ContainerSummary,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("portDoctorDialog")
        self.setWindowTitle(f"Why does {container.name} show nothing?")
        self.setMinimumWidth(520)
        self.session = session
        self.container = container
        self.found: PortDiagnosis | None = None
        self.port = QComboBox()
        self.port.setEditable(True)
        for number in doctor_ports(container) or [80]:
            self.port.addItem(str(number))
        self.port.setToolTip("The port the program in the container should listen on")
        self.check_button = QPushButton("Check")
        self.check_button.setObjectName("checkPort")
        self.check_button.clicked.connect(self.check)
        about = QLabel(
            "Dockyard looks at what listens inside the container, how the port is published, "
            "and whether it answers on this computer."
        )
        about.setWordWrap(True)
        theme.mark(about, "muted")
        self.title = QLabel()
        self.title.setObjectName("doctorTitle")
        self.words = QLabel()
        self.words.setObjectName("doctorWords")
        self.hint = QLabel()
        self.hint.setObjectName("doctorHint")
        self.listening = QLabel()
        self.listening.setObjectName("doctorListening")
        theme.mark(self.listening, "muted")
        for label in (self.title, self.words, self.hint, self.listening):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout()
        form.addRow("Container port", self.port)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        for label in (self.title, self.words, self.hint, self.listening):
            layout.addWidget(label)
        layout.addStretch(1)
        layout.addWidget(buttons)

    @asyncSlot()
    async def check(self) -> PortDiagnosis | None:
        """Ask the doctor about the chosen port; show and return what it found."""
        text = self.port.currentText().strip()
        if not text.isdigit() or not 0 < int(text) < 65536:
            self.title.setText("<b>Choose a port</b>")
            self.words.setText("A port is a number from 1 to 65535, such as 80 or 8080.")
            self.hint.clear()
            return None
        bridge = self.session.bridge
        if bridge is None:
            return None
        self.check_button.setEnabled(False)
        self.title.setText("Looking…")
        try:
            found = await diagnose_port(bridge, self.container.id, int(text))
        except EngineError as exc:
            self.title.setText("<b>The engine did not say</b>")
            self.words.setText(html.escape(exc.in_words()))
            self.hint.clear()
            return None
        finally:
            self.check_button.setEnabled(True)
        self.found = found
        self.title.setText(f"<b>{html.escape(found.title)}</b>")
        self.words.setText(html.escape(found.words))
        self.hint.setText(f"What to do: {html.escape(found.hint)}" if found.hint else "")
        listening = ", ".join(f"{listener.address}:{listener.port}"
                              for listener in found.listening)  # fmt: skip
        self.listening.setText(f"Listening in the container: {listening}" if listening else "")
        return found
