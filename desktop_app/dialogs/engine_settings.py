"""Engine settings for an engine Dockyard runs: the common keys of its daemon.json as a form,
and the whole file as JSON; checked as you type, each key marked as taken live or on a
restart, and a restart said plainly before Save."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import problem_line, yes_and_cancel
from engine_bridge.specs.daemon_settings import (
    BY_KEY,
    LOG_DRIVERS,
    SettingsForm,
    changed,
    form_of,
    merged,
    needs_restart,
    parse_raw,
    settings_problems,
    text_of,
)

_BUILDKIT = (("The engine's default", None), ("On", True), ("Off", False))


class EngineSettingsDialog(QDialog):
    """Attributes: the form's fields, `raw` (the JSON), `problem`, `restart_note`,
    `save_button`; `config()` is what Save would write."""

    def __init__(self, config: dict[str, Any], engine: str, live_restore_on: bool,
                 parent: QWidget | None = None, reloads: bool = True) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("engineSettingsDialog")
        self.setWindowTitle(f"Settings of the {engine}")
        self.setMinimumSize(640, 560)
        self.before = dict(config)
        self._base = dict(config)
        self._live_restore_on = live_restore_on
        self._reloads = reloads
        intro = QLabel(
            "The engine reads these from its settings file, daemon.json, when it starts. Some "
            "it takes at once, on a reload signal; the others need a restart of the engine."
            if reloads else
            "The engine reads these from its settings file, daemon.json, when it starts: "
            "saving restarts it."
        )  # fmt: skip
        intro.setWordWrap(True)
        theme.mark(intro, "muted")

        self.mirrors = self._lines_field("registry-mirrors", "https://mirror.example:5000")
        self.insecure = self._lines_field("insecure-registries", "127.0.0.1:5000")
        self.log_driver = QComboBox()
        self.log_driver.addItem("The engine's default (json-file)", "")
        for driver in LOG_DRIVERS:
            self.log_driver.addItem(driver, driver)
        self.log_driver.setAccessibleName(BY_KEY["log-driver"].label)
        self.log_opts = self._lines_field("log-opts", "max-size=10m\nmax-file=3")
        self.pools = self._lines_field("default-address-pools", "10.201.0.0/16 24")
        self.live_restore = QCheckBox(BY_KEY["live-restore"].label)
        self.debug = QCheckBox(BY_KEY["debug"].label)
        self.buildkit = QComboBox()
        for words, value in _BUILDKIT:
            self.buildkit.addItem(words, value)
        self.buildkit.setAccessibleName("BuildKit")

        fields = QWidget()
        page = QVBoxLayout(fields)
        form = QFormLayout()
        form.setVerticalSpacing(12)
        for key, field, label in (
            ("registry-mirrors", self.mirrors, None), ("insecure-registries", self.insecure, None),
            ("log-driver", self.log_driver, None), ("log-opts", self.log_opts, None),
            ("default-address-pools", self.pools, None), ("live-restore", self.live_restore, ""),
            ("debug", self.debug, ""), ("features", self.buildkit, "BuildKit:"),
        ):  # fmt: skip
            cell = QWidget()
            stack = QVBoxLayout(cell)
            stack.setContentsMargins(0, 0, 0, 0)
            stack.setSpacing(2)
            stack.addWidget(field)
            stack.addWidget(self._about(key))
            form.addRow(BY_KEY[key].label + ":" if label is None else label, cell)
        page.addLayout(form)
        page.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(fields)

        self.raw = QPlainTextEdit()
        self.raw.setObjectName("settingsJson")
        self.raw.setAccessibleName("The settings file as JSON")
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "Settings")
        self.tabs.addTab(self.raw, "JSON")
        self.problem = problem_line()
        self.restart_note = QLabel()
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        theme.mark(self.restart_note, "warn")
        buttons, self.save_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.restart_note)
        layout.addWidget(buttons)

        self._fill(form_of(config))
        self.raw.setPlainText(text_of(config))
        for line in (self.mirrors, self.insecure, self.log_opts, self.pools):
            line.textChanged.connect(self._refresh)
        for box in (self.log_driver, self.buildkit):
            box.currentIndexChanged.connect(self._refresh)
        for check in (self.live_restore, self.debug):
            check.toggled.connect(self._refresh)
        self.raw.textChanged.connect(self._refresh)
        self.tabs.currentChanged.connect(self._switched)
        self._refresh()

    def _lines_field(self, key: str, example: str) -> QPlainTextEdit:
        field = QPlainTextEdit(placeholderText=f"e.g. {example}")
        field.setAccessibleName(BY_KEY[key].label)
        field.setTabChangesFocus(True)
        field.setFixedHeight(field.fontMetrics().lineSpacing() * 3 + 14)
        return field

    def _about(self, key: str) -> QLabel:
        setting = BY_KEY[key]
        when = "applies live" if setting.live and self._reloads else "needs a restart"
        label = QLabel(f"{setting.about} <i>({when})</i>")
        label.setWordWrap(True)
        theme.mark(label, "muted")
        return label

    # --- the two views ------------------------------------------------------------------

    def _fill(self, form: SettingsForm) -> None:
        self.mirrors.setPlainText(form.registry_mirrors)
        self.insecure.setPlainText(form.insecure_registries)
        index = self.log_driver.findData(form.log_driver)
        self.log_driver.setCurrentIndex(max(0, index))
        self.log_opts.setPlainText(form.log_opts)
        self.pools.setPlainText(form.address_pools)
        self.live_restore.setChecked(form.live_restore)
        self.debug.setChecked(form.debug)
        self.buildkit.setCurrentIndex(next(i for i, (_w, v) in enumerate(_BUILDKIT)
                                           if v is form.buildkit))  # fmt: skip

    def form(self) -> SettingsForm:
        return SettingsForm(
            registry_mirrors=self.mirrors.toPlainText(),
            insecure_registries=self.insecure.toPlainText(),
            log_driver=str(self.log_driver.currentData() or ""),
            log_opts=self.log_opts.toPlainText(),
            address_pools=self.pools.toPlainText(),
            live_restore=self.live_restore.isChecked(),
            debug=self.debug.isChecked(),
            buildkit=self.buildkit.currentData(),
        )

    def _on_json(self) -> bool:
        return self.tabs.currentIndex() == 1

    def _switched(self, index: int) -> None:
        """Carry what was typed in one view over to the other."""
        if index == 1:
            if not settings_problems(self.form()):
                self.raw.setPlainText(text_of(merged(self._base, self.form())))
            return
        config, problem = parse_raw(self.raw.toPlainText())
        if config is not None and not problem:
            self._base = config
            self._fill(form_of(config))

    def config(self) -> dict[str, Any] | None:
        """What Save writes, or None while something is wrong."""
        if self._on_json():
            config, problem = parse_raw(self.raw.toPlainText())
            return config if config is not None and not problem else None
        if settings_problems(self.form()):
            return None
        return merged(self._base, self.form())

    def _refresh(self) -> None:
        if self._on_json():
            _config, problem = parse_raw(self.raw.toPlainText())
        else:
            problem = next(iter(settings_problems(self.form()).values()), "")
        self.problem.setText(problem)
        config = self.config()
        restart = ([] if config is None else needs_restart(self.before, config) if self._reloads
                   else changed(self.before, config))  # fmt: skip
        if restart:
            keep = ("Containers keep running through it (live restore is on)."
                    if self._live_restore_on else
                    "Running containers stop with it; those with a restart policy start "
                    "again.")  # fmt: skip
            self.restart_note.setText(f"Saving restarts the engine for {', '.join(restart)}. "
                                      f"{keep}")  # fmt: skip
        else:
            self.restart_note.setText("")
        unchanged = config is not None and config == self.before
        self.save_button.setEnabled(config is not None and not unchanged)
