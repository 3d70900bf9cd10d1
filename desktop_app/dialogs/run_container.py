"""The Run dialog: every `docker run` option a user needs, checked as they type, with the
docker command that does the same shown live."""

from __future__ import annotations

import html
import os
import shlex
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.session import EngineSession
from desktop_app.widgets.restart_policy import RestartPolicyEditor
from desktop_app.widgets.rows_editor import RowsEditor
from desktop_app.widgets.what_is_this import WhatIsThis
from engine_bridge import (
    ContainerRef,
    EngineError,
    NotStarted,
    Operation,
    RestartPolicy,
    duplicate_container,
    inspect_image,
    recreate_container,
    remove_container,
    run_blocking,
    run_container,
    short_name,
)
from engine_bridge.specs import SpecError
from engine_bridge.specs.container_config import CreateRequest, create_request, other_options
from engine_bridge.specs.env import parse_env_file
from engine_bridge.specs.run_command import Setting
from engine_bridge.specs.run_form import FormResult, RunForm, build_run_spec
from engine_bridge.specs.run_spec import RunSpec, effective_process, parse_run_args

_ROW_FIELDS = {"ports": "Ports", "env": "Environment", "volumes": "Volumes", "labels": "Labels"}
_FIELD_NAMES = {
    "image": "Image", "name": "Name", "command": "Command", "entrypoint": "Entrypoint",
    "memory": "Memory", "cpus": "CPUs", "restart": "Restart policy", "workdir": "Working dir",
    "auto_remove": "Remove on exit", "interactive": "Mode", "ports": "Ports",
    "volumes": "Volumes",
}  # fmt: skip


def _note(words: str) -> QLabel:
    label = QLabel(words)
    label.setWordWrap(True)
    theme.mark(label, "warn")
    return label


def _hint(topic: str, concept: str = "") -> QWidget:
    """A learner's note under a field; with `concept`, a "What is this?" beside it."""
    label = QLabel(text(topic))
    label.setWordWrap(True)
    theme.mark(label, "muted")
    if not concept:
        return label
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(label, 1)
    line.addWidget(WhatIsThis(concept), 0, Qt.AlignmentFlag.AlignTop)
    return row


class RunDialog(QDialog):
    """Create and start a container. `replacing` makes it recreate that container instead.

    Attributes: one widget per option (`image`, `name`, `ports`, ...), `preview` (the docker
    command), `problems_label`, `run_button`, and `operation` once the user ran it.
    """

    def __init__(
        self,
        session: EngineSession,
        form: RunForm | None = None,
        replacing: ContainerRef | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runDialog")
        self.session = session
        self.replacing = replacing
        self.blueprint = form.blueprint if form is not None else None
        self.operation: Operation[str] | None = None
        self.result_spec: FormResult | None = None
        self._image_config: dict[str, Any] | None = None
        if replacing is not None:
            self.setWindowTitle(f"Recreate {replacing.name}")
        elif self.blueprint is not None:
            self.setWindowTitle(f"Duplicate {self.blueprint.name}")
        else:
            self.setWindowTitle("Run a container")
        self.resize(760, 820)

        self.image = QLineEdit(placeholderText="Image, for example nginx:1.27")
        self.image.setObjectName("runImage")
        tags = sorted(
            {
                t
                for i in (session.state.of("image").values() if session.state else [])
                for t in i.repo_tags
            }
        )
        completer = QCompleter(tags, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.image.setCompleter(completer)
        self.image_info = QLabel()
        self.image_info.setObjectName("imageInfo")
        self.image_info.setWordWrap(True)
        self.image_info.setTextFormat(Qt.TextFormat.RichText)
        self.name = QLineEdit(placeholderText="Optional: the engine makes one up")
        self.detached = QRadioButton("Detached (-d): runs in the background")
        self.interactive = QRadioButton("Interactive (-it): with a terminal and open input")
        self.interactive.setObjectName("runInteractive")
        mode = QButtonGroup(self)
        mode.addButton(self.detached)
        mode.addButton(self.interactive)
        self.detached.setChecked(True)
        self.command = QLineEdit(placeholderText="Leave empty for the image's own command")
        self.command.setObjectName("runCommand")
        self.override_entrypoint = QCheckBox("Replace the entrypoint with")
        self.entrypoint = QLineEdit(placeholderText="a program, e.g. /bin/sh")
        self.entrypoint.setEnabled(False)
        self.override_entrypoint.toggled.connect(self.entrypoint.setEnabled)
        self.ports = RowsEditor("127.0.0.1:8080:80")
        self.ports.setObjectName("runPorts")
        self.publish_all = QCheckBox("Publish every port the image exposes (-P)")
        self.env = RowsEditor("MODE=production")
        self.env.setObjectName("runEnv")
        self.env_file_button = QPushButton("Load an env file…")
        self.env_file_button.clicked.connect(self._on_env_file)
        self.paste_button = QPushButton("Fill from a docker run command…")
        self.paste_button.setObjectName("runFromCommand")
        self.paste_button.setToolTip("Paste a docker run command: its options fill the fields")
        self.paste_button.clicked.connect(self._on_paste_command)
        self.paste_notes = QLabel()
        self.paste_notes.setObjectName("runFromCommandNotes")
        self.paste_notes.setWordWrap(True)
        self.paste_notes.hide()
        self.volumes = RowsEditor("data:/var/lib/data")
        self.volumes.setObjectName("runVolumes")
        # Existing volumes by name: picking one adds a mount of it, its path to fill in.
        self.volume_picker = QComboBox()
        self.volume_picker.setObjectName("runVolumePicker")
        self.volume_picker.addItem("Mount an existing volume…")
        for volume in sorted(
            (v for v in (session.state.of("volume").values() if session.state else [])),
            key=lambda v: (v.anonymous, v.name),
        ):
            self.volume_picker.addItem(short_name(volume.name), volume.name)
        self.volume_picker.setEnabled(self.volume_picker.count() > 1)
        self.volume_picker.activated.connect(self._on_pick_volume)
        self.restart = RestartPolicyEditor()
        self.network = QComboBox()
        self.network.setEditable(True)
        self.network.addItem("")
        for network in sorted(
            n.name for n in (session.state.of("network").values() if session.state else [])
        ):
            self.network.addItem(network)
        network_line = self.network.lineEdit()
        if network_line is not None:
            network_line.setPlaceholderText("default (bridge)")
        self.labels = RowsEditor("tier=web")
        self.workdir = QLineEdit(placeholderText="The image's, e.g. /app")
        self.user = QLineEdit(placeholderText="The image's, e.g. 1000 or www-data")
        self.memory = QLineEdit(placeholderText="No limit, e.g. 512m")
        self.memory.setObjectName("runMemory")
        self.cpus = QLineEdit(placeholderText="No limit, e.g. 1.5")
        self.auto_remove = QCheckBox("Remove the container when it exits (--rm)")
        self.auto_remove.setObjectName("runAutoRemove")

        form_widget = QWidget()
        form_layout = QFormLayout(form_widget)
        if self.replacing is None and self.blueprint is None:
            form_layout.addRow("", self.paste_button)
            form_layout.addRow("", self.paste_notes)
        form_layout.addRow("Image:", self.image)
        form_layout.addRow("", self.image_info)
        form_layout.addRow("Name:", self.name)
        mode_box = QVBoxLayout()
        mode_box.addWidget(self.detached)
        mode_box.addWidget(self.interactive)
        mode_box.addWidget(_hint("run.interactive"))
        form_layout.addRow("Mode:", mode_box)
        form_layout.addRow("Command:", self.command)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.override_entrypoint)
        entry_row.addWidget(self.entrypoint, 1)
        form_layout.addRow("Entrypoint:", entry_row)
        form_layout.addRow("", _hint("run.process", "concept.entrypoint-cmd"))
        form_layout.addRow("Ports:", self.ports)
        form_layout.addRow("", self.publish_all)
        form_layout.addRow("", _hint("run.ports", "concept.ports"))
        env_box = QVBoxLayout()
        env_box.addWidget(self.env)
        env_box.addWidget(self.env_file_button, 0, Qt.AlignmentFlag.AlignLeft)
        form_layout.addRow("Environment:", env_box)
        volumes = QVBoxLayout()
        volumes.addWidget(self.volumes)
        volumes.addWidget(self.volume_picker)
        form_layout.addRow("Volumes:", volumes)
        form_layout.addRow("", _hint("run.volumes", "concept.volumes-binds"))
        restart_box = QVBoxLayout()
        restart_box.addWidget(self.restart)
        restart_box.addWidget(WhatIsThis("concept.restart"), 0, Qt.AlignmentFlag.AlignLeft)
        form_layout.addRow("Restart policy:", restart_box)
        form_layout.addRow("Network:", self.network)
        form_layout.addRow("Labels:", self.labels)
        form_layout.addRow("Working dir:", self.workdir)
        form_layout.addRow("User:", self.user)
        form_layout.addRow("Memory limit:", self.memory)
        form_layout.addRow("CPUs:", self.cpus)
        form_layout.addRow("", self.auto_remove)
        form_layout.addRow("", _hint("run.auto_remove"))
        # What the original has that no field above shows: kept, listed, removable.
        self.other_options = QListWidget()
        self.other_options.setObjectName("runOtherOptions")
        self.other_options.setMaximumHeight(130)
        self.other_settings = other_options(self.blueprint) if self.blueprint else []
        self.removed_settings: list[Setting] = []
        for setting in self.other_settings:
            item = QListWidgetItem(str(setting))
            item.setData(Qt.ItemDataRole.UserRole, setting)
            self.other_options.addItem(item)
        self.remove_other = QPushButton("Remove")
        self.remove_other.setObjectName("runRemoveOtherOption")
        self.remove_other.clicked.connect(self._on_remove_other)
        if self.other_settings:
            other_box = QVBoxLayout()
            other_box.addWidget(self.other_options)
            other_row = QHBoxLayout()
            other_row.addWidget(_hint("run.other_options"), 1)
            other_row.addWidget(self.remove_other, 0, Qt.AlignmentFlag.AlignTop)
            other_box.addLayout(other_row)
            form_layout.addRow("Other options:", other_box)
        if self.blueprint is not None and self.replacing is None and self.blueprint.compose_labels:
            form_layout.addRow("", _note(
                "The copy leaves out the Compose labels: Compose would otherwise count it as "
                "part of the project."
            ))  # fmt: skip
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)

        self.not_started: ContainerRef | None = None  # what a failed run left behind
        self.remove_failed = QPushButton("Remove it and try again")
        self.remove_failed.setObjectName("runRemoveFailed")
        self.remove_failed.clicked.connect(self._on_remove_failed)
        self.remove_failed.hide()
        self.problems_label = QLabel()
        self.problems_label.setObjectName("runProblems")
        self.problems_label.setWordWrap(True)
        theme.mark(self.problems_label, "bad")
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("runPreview")
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(90)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        copy = QPushButton("Copy command")
        copy.setObjectName("copyRunCommand")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.command_text()))
        preview_head = QHBoxLayout()
        preview_head.addWidget(QLabel("<b>The same with the docker command</b>"))
        preview_head.addStretch(1)
        preview_head.addWidget(copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.run_button = buttons.addButton(
            "Recreate" if replacing else "Run", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.run_button.setObjectName("runButton")
        self.run_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.run_button.clicked.connect(self._on_run)
        layout = QVBoxLayout(self)
        if replacing:
            layout.addWidget(_hint("recreate"))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.remove_failed, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(preview_head)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)

        self._image_timer = QTimer(self, singleShot=True, interval=300)
        self._image_timer.timeout.connect(self._on_image_settled)
        for line in (
            self.image,
            self.name,
            self.command,
            self.entrypoint,
            self.workdir,
            self.user,
            self.memory,
            self.cpus,
        ):
            line.textChanged.connect(self.refresh)  # fmt: skip
        self.image.textChanged.connect(lambda _t: self._image_timer.start())
        for box in (self.override_entrypoint, self.publish_all, self.auto_remove, self.interactive):
            box.toggled.connect(self.refresh)  # fmt: skip
        for rows in (self.ports, self.env, self.volumes, self.labels):
            rows.changed.connect(self.refresh)
        self.restart.changed.connect(self.refresh)
        self.network.currentTextChanged.connect(self.refresh)
        if form is not None:
            self.fill(form)
        self.refresh()

    # --- the form ---------------------------------------------------------------------

    def fill(self, form: RunForm) -> None:
        self.image.setText(form.image)
        self.name.setText(form.name)
        self.command.setText(form.command)
        self.override_entrypoint.setChecked(form.override_entrypoint)
        self.entrypoint.setText(form.entrypoint)
        self.interactive.setChecked(form.interactive)
        self.detached.setChecked(not form.interactive)
        self.ports.set_values(form.ports)
        self.publish_all.setChecked(form.publish_all)
        self.env.set_values(form.env)
        self.volumes.set_values(form.volumes)
        self.restart.set_policy(RestartPolicy(form.restart, form.max_retries))
        self.network.setCurrentText(form.network)
        self.labels.set_values(form.labels)
        self.workdir.setText(form.workdir)
        self.user.setText(form.user)
        self.memory.setText(form.memory)
        self.cpus.setText(form.cpus)
        self.auto_remove.setChecked(form.auto_remove)
        self._image_timer.start()

    def form(self) -> RunForm:
        policy = self.restart.policy()
        return RunForm(
            image=self.image.text(), name=self.name.text(), command=self.command.text(),
            entrypoint=self.entrypoint.text(),
            override_entrypoint=self.override_entrypoint.isChecked(),
            interactive=self.interactive.isChecked(), ports=self.ports.values(),
            publish_all=self.publish_all.isChecked(), env=self.env.values(),
            volumes=self.volumes.values(), restart=policy.name, max_retries=policy.max_retries,
            network=self.network.currentText(), labels=self.labels.values(),
            workdir=self.workdir.text(), user=self.user.text(), memory=self.memory.text(),
            cpus=self.cpus.text(), auto_remove=self.auto_remove.isChecked(),
        )  # fmt: skip

    def refresh(self, *_: object) -> None:
        """Check every field, mark the wrong ones, and show the docker command."""
        facts = self.session.facts
        result = build_run_spec(self.form(), facts.cpus if facts else None)
        self.result_spec = result
        problems = result.problems
        plain = {
            "image": self.image, "name": self.name, "command": self.command,
            "entrypoint": self.entrypoint, "memory": self.memory, "cpus": self.cpus,
            "workdir": self.workdir,
        }  # fmt: skip
        for key, widget in plain.items():
            theme.mark_problem(widget, key in problems)
            widget.setToolTip(problems.get(key, ""))
        for key, rows in (
            ("ports", self.ports),
            ("env", self.env),
            ("volumes", self.volumes),
            ("labels", self.labels),
        ):
            rows.mark({int(k[len(key) + 1 : -1]): v for k, v in problems.items()
                       if k.startswith(f"{key}[")})  # fmt: skip
        lines = [f"{self._field_title(k)}: {v}" for k, v in problems.items()]
        self.problems_label.setText("<br>".join(lines))
        self.problems_label.setVisible(bool(lines))
        self.run_button.setEnabled(result.spec is not None)
        self.preview.setPlainText(self.command_text())
        self._show_process()

    def command_text(self) -> str:
        spec = self.result_spec.spec if self.result_spec else None
        if spec is None:
            return "Fix the fields marked in red to see the command."
        if self.blueprint is not None:
            return self._request(spec).commands(self.blueprint.image_config).text()
        return shlex.join(spec.argv())

    def _on_remove_other(self) -> None:
        for item in self.other_options.selectedItems():
            self.removed_settings.append(item.data(Qt.ItemDataRole.UserRole))
            self.other_options.takeItem(self.other_options.row(item))
        self.refresh()

    @staticmethod
    def _field_title(key: str) -> str:
        base, _, row = key.partition("[")
        if base in _ROW_FIELDS:
            return f"{_ROW_FIELDS[base]}, row {int(row.rstrip(']')) + 1}"
        return _FIELD_NAMES.get(base, base)

    # --- the image's own entrypoint and command ---------------------------------------

    @asyncSlot()
    async def _on_image_settled(self) -> None:
        reference = self.image.text().strip()
        bridge = self.session.bridge
        self._image_config = None
        known_bad = self.result_spec is not None and "image" in self.result_spec.problems
        if not reference or bridge is None or known_bad:
            self._show_process()
            return
        try:
            data = await inspect_image(bridge, reference)
        except EngineError as exc:
            self._image_config = None
            self.image_info.setText(
                f"<span style='color:{theme.colour('warn')}'>{exc.title}.</span> {exc.hint}"
            )
            return
        if reference == self.image.text().strip():
            self._image_config = dict(data.get("Config") or {})
            self._show_process()

    def _show_process(self) -> None:
        config = self._image_config
        if config is None:
            if not self.image_info.text().startswith("<span"):
                self.image_info.setText("")
            return
        entrypoint = list(config.get("Entrypoint") or [])
        command = list(config.get("Cmd") or [])
        form = self.form()
        try:
            typed = shlex.split(form.command)
        except ValueError:
            typed = []
        runs = effective_process(
            entrypoint, command, form.entrypoint.strip() if form.override_entrypoint else None,
            typed,
        )  # fmt: skip
        self.image_info.setText(
            f"The image's entrypoint: <code>{_words(entrypoint)}</code>, its command: "
            f"<code>{_words(command)}</code>.<br><b>Will run:</b> <code>{_words(list(runs))}"
            "</code>"
        )

    # --- env file and running ---------------------------------------------------------

    def _on_pick_volume(self, index: int) -> None:
        name = self.volume_picker.itemData(index)
        self.volume_picker.setCurrentIndex(0)
        if name:
            self.volumes.add_value(f"{name}:/data")
            table = self.volumes.table
            item = table.item(table.rowCount() - 1, 0)
            if item is not None:
                table.setCurrentItem(item)
                table.editItem(item)

    @asyncSlot()
    async def _on_paste_command(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self, "Fill from a docker run command",
            "Paste a docker run command; its options fill the fields:",
        )  # fmt: skip
        if ok and text.strip():
            await self.fill_from_command(text)

    async def fill_from_command(self, text: str) -> bool:
        """Read a `docker run` command as the CLI would and fill the fields from it; say
        what it took from this machine, or what is wrong with the command."""
        files: dict[str, str] = {}
        try:
            words = shlex.split(text.replace("\\\n", " "))
            for path in _env_files(words):
                files[path] = await run_blocking(None, _read_text, path)
            notes: list[str] = []
            spec = parse_run_args(
                words, files.__getitem__, environ=os.environ, cwd=os.getcwd(), notes=notes
            )
        except (SpecError, ValueError, OSError, UnicodeDecodeError) as exc:
            theme.mark(self.paste_notes, "bad")
            self.paste_notes.setText(f"That command cannot be used: {exc}")
            self.paste_notes.show()
            return False
        self.fill(RunForm.from_spec(spec))
        theme.mark(self.paste_notes, "muted")
        self.paste_notes.setText(" ".join(notes) or "The fields now hold that command's options.")
        self.paste_notes.show()
        return True

    @asyncSlot()
    async def _on_env_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load an env file")
        if path:
            await self.load_env_file(path)

    async def load_env_file(self, path: str) -> None:
        """Add the variables of an env file as rows (read off the UI thread)."""
        try:
            content = await run_blocking(None, _read_text, path)
            variables = parse_env_file(content, path)
        except (OSError, UnicodeDecodeError) as exc:
            self.problems_label.setText(f"Cannot read {path}: {exc}")
            self.problems_label.show()
            return
        except SpecError as exc:
            self.problems_label.setText(str(exc))
            self.problems_label.show()
            return
        for name, value in variables:
            self.env.add_value(f"{name}={value}")

    @asyncSlot()
    async def _on_run(self) -> None:
        await self.run()

    @asyncSlot()
    async def _on_remove_failed(self) -> None:
        await self.remove_failed_and_retry()

    async def remove_failed_and_retry(self) -> None:
        """Remove the container a failed run left (Created, never started), run again."""
        failed = self.not_started
        if failed is None:
            return
        self.remove_failed.setEnabled(False)
        try:
            await self.session.perform(remove_container(failed, force=True))
        except EngineError as exc:
            self.problems_label.setText(html.escape(exc.in_words()))
            return
        finally:
            self.remove_failed.setEnabled(True)
        self.not_started = None
        self.remove_failed.hide()
        self.problems_label.hide()
        await self.run()

    async def run(self) -> None:
        """Create (or recreate) the container; on failure say why and stay open."""
        spec = self.result_spec.spec if self.result_spec else None
        if spec is None:
            return
        operation = self._operation(spec)
        self.run_button.setEnabled(False)
        self.remove_failed.hide()
        try:
            self.operation = await self.session.perform(operation)
        except EngineError as exc:
            words = html.escape
            self.problems_label.setText(
                f"<b>{words(exc.title)}.</b> {words(exc.message)}<br>{words(exc.hint)}"
            )
            self.problems_label.show()
            self.not_started = (
                ContainerRef(exc.container_id, exc.name) if isinstance(exc, NotStarted) else None
            )
            self.remove_failed.setVisible(self.not_started is not None)
            return
        finally:
            self.run_button.setEnabled(True)
        self.accept()

    def _operation(self, spec: RunSpec) -> Operation[str]:
        """Run from the fields; or, for a container's copy or its recreation, from its
        whole configuration with only the fields the user changed."""
        blueprint = self.blueprint
        if blueprint is None:
            return run_container(spec)
        request = self._request(spec)
        command = request.commands(blueprint.image_config).run
        if self.replacing is not None:
            return recreate_container(self.replacing, request, command)
        return duplicate_container(request, command)

    def _request(self, spec: RunSpec) -> CreateRequest:
        """The create request for the container this dialog copies or recreates: its whole
        configuration, with what the user changed in the fields and removed of the rest."""
        assert self.blueprint is not None
        baseline = build_run_spec(RunForm.from_spec(self.blueprint.spec)).spec
        return create_request(
            self.blueprint, spec, keep_anonymous=self.replacing is not None,
            drop_compose=self.replacing is None, baseline=baseline,
            removed=self.removed_settings,
        )  # fmt: skip


def _env_files(words: list[str]) -> list[str]:
    """The files an `--env-file` of a command names (read before the command is parsed)."""
    found = []
    for index, word in enumerate(words):
        if word == "--env-file" and index + 1 < len(words):
            found.append(words[index + 1])
        elif word.startswith("--env-file="):
            found.append(word.partition("=")[2])
    return found


def _words(argv: list[str]) -> str:
    return shlex.join(argv) if argv else "(none)"


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()
