"""Log in to a registry: host, user name and password, kept in the system keyring."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import yes_and_cancel
from desktop_app.learning import text


class RegistryLoginDialog(QDialog):
    """Attributes: `registry`, `username`, `password` (fields), `keyring_note`."""

    def __init__(
        self, registry: str = "", keyring_problem: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registryLoginDialog")
        self.setWindowTitle("Log in to a registry")
        self.setMinimumWidth(460)
        self.registry = QLineEdit(registry, placeholderText="host[:port], e.g. 127.0.0.1:5000")
        self.registry.setObjectName("loginRegistry")
        self.username = QLineEdit()
        self.username.setObjectName("loginUsername")
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Registry:", self.registry)
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)
        self.keyring_note = QLabel(keyring_problem or text("registry.login"))
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        theme.mark(self.keyring_note, "bad" if keyring_problem else "muted")
        buttons, self.ok_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok, "Log in")
        self.ok_button.setEnabled(not keyring_problem)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(buttons)
        for field in (self.registry, self.username, self.password):
            field.textChanged.connect(self._check)
        self._keyring_ok = not keyring_problem
        self._check()

    def _check(self) -> None:
        filled = all(f.text().strip() for f in (self.registry, self.username)) and bool(
            self.password.text()
        )
        self.ok_button.setEnabled(filled and self._keyring_ok)
