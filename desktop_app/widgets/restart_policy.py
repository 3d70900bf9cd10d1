"""RestartPolicyEditor: choose a restart policy, and read what each one does."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_app import theme
from desktop_app.learning import text
from engine_bridge import RestartPolicy
from engine_bridge.specs.restart_policy import NAMES


class RestartPolicyEditor(QWidget):
    """Signals: `changed()`. The explanation under it follows the chosen policy."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setObjectName("restartPolicy")
        for name in NAMES:
            self.choice.addItem(text(f"restart.{name}", "title"), name)
        self.retries = QSpinBox()
        self.retries.setObjectName("maxRetries")
        self.retries.setRange(0, 1000)
        self.retries.setSpecialValueText("no limit")
        self.retries.setPrefix("retries: ")
        self.explanation = QLabel()
        self.explanation.setObjectName("restartExplanation")
        self.explanation.setWordWrap(True)
        theme.mark(self.explanation, "muted")
        row = QHBoxLayout()
        row.addWidget(self.choice)
        row.addWidget(self.retries)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.explanation)
        self.choice.currentIndexChanged.connect(self._on_choice)
        self.retries.valueChanged.connect(lambda _value: self.changed.emit())
        self._on_choice()

    def policy(self) -> RestartPolicy:
        name = str(self.choice.currentData())
        return RestartPolicy(name, self.retries.value() if name == "on-failure" else 0)

    def set_policy(self, policy: RestartPolicy) -> None:
        self.choice.setCurrentIndex(max(0, self.choice.findData(policy.name)))
        self.retries.setValue(policy.max_retries)

    def _on_choice(self) -> None:
        name = str(self.choice.currentData())
        self.retries.setVisible(name == "on-failure")
        self.explanation.setText(text(f"restart.{name}"))
        self.changed.emit()
