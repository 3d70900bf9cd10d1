"""The Settings dialog: the few choices that matter, kept between launches."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app import settings, theme
from desktop_app.dialogs import yes_and_cancel

#: How Dockyard finds its engine at launch, in the words of the choice (the values are
#: those of `dockyard --engine`).
ENGINE_CHOICES = (
    ("ask", "The engine the docker command uses; if none answers, offer Dockyard's own"),
    ("auto", "The engine the docker command uses; if none answers, start Dockyard's own"),
    ("system", "Only the system engine"),
    ("bundled", "Always Dockyard's own engine"),
    ("vm", "Always Dockyard's engine in a virtual machine"),
)
THEME_CHOICES = (
    (theme.Choice.SYSTEM, "Follow the desktop"),
    (theme.Choice.LIGHT, "Light"),
    (theme.Choice.DARK, "Dark"),
)


class SettingsDialog(QDialog):
    """Attributes: `theme_box`, `engine_box`, `notify_box`. Saving applies the theme at once;
    the engine choice counts from the next launch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        saved = settings.store()
        self.theme_box = QComboBox()
        self.theme_box.setAccessibleName("Theme")
        for value, words in THEME_CHOICES:
            self.theme_box.addItem(words, value.value)
        self.theme_box.setCurrentIndex(
            max(0, self.theme_box.findData(saved.value("appearance/theme", "system")))
        )
        self.engine_box = QComboBox()
        self.engine_box.setAccessibleName("Engine at launch")
        for engine, words in ENGINE_CHOICES:
            self.engine_box.addItem(words, engine)
        self.engine_box.setCurrentIndex(
            max(0, self.engine_box.findData(saved.value("engine/at-launch", "ask")))
        )
        self.notify_box = QCheckBox("Tell me when long work ends while Dockyard is in the back")
        self.notify_box.setChecked(saved.value("notify/long-work", "true") == "true")
        note = QLabel(
            "The engine choice counts from the next launch; dockyard --engine overrides it "
            "for one launch."
        )
        note.setWordWrap(True)
        theme.mark(note, "muted")
        form = QFormLayout()
        form.addRow("Theme:", self.theme_box)
        form.addRow("Engine at launch:", self.engine_box)
        form.addRow("", self.notify_box)
        buttons, _save = yes_and_cancel(
            self, QDialogButtonBox.StandardButton.Save, on_yes=self.save
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def save(self) -> None:
        saved = settings.store()
        chosen = str(self.theme_box.currentData())
        saved.setValue("appearance/theme", chosen)
        saved.setValue("engine/at-launch", str(self.engine_box.currentData()))
        saved.setValue("notify/long-work", "true" if self.notify_box.isChecked() else "false")
        saved.sync()
        if theme.choice() is not theme.Choice(chosen):
            theme.apply(theme.Choice(chosen))
        self.accept()
