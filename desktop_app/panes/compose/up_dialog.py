"""Up from a file: a compose file, an optional env file, the project's name and the profiles
to enable; which services that starts is shown before anything runs (read with Compose
itself), with the command it stands for."""

from __future__ import annotations

import os
import shlex
from collections.abc import Awaitable, Callable, Mapping

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import command_line, problem_line, yes_and_cancel
from desktop_app.learning import text
from desktop_app.presentation import counted
from desktop_app.tasks import LatestTask
from engine_bridge import (
    ComposeConfig,
    ComposeFiles,
    ComposeProject,
    ComposeTool,
    EngineError,
    compose_command,
    container_name,
    default_project_name,
    project_name_problem,
    services_started,
)

Reader = Callable[[ComposeFiles], Awaitable[ComposeConfig]]

FILE_FILTER = "Compose files (*.yaml *.yml);;All files (*)"


class UpDialog(QDialog):
    """Attributes: the fields, `profile_boxes` (profile -> check box), `preview`, `warning`,
    `problem`, `command`, `up_button`, `config` (the file as read, once read). `files()`,
    `build` and `pull` are the ask."""

    def __init__(self, tool: ComposeTool, projects: Mapping[str, ComposeProject],
                 read: Reader, path: str = "", parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("composeUpDialog")
        self.setWindowTitle("Up a Compose project from a file")
        self.setMinimumWidth(620)
        self.tool, self.projects, self._read = tool, dict(projects), read
        self.config: ComposeConfig | None = None
        self._reading = LatestTask("compose-config")
        self._named_by_user = False
        self._read_error = ""

        self.file = QLineEdit(placeholderText="compose.yaml or docker-compose.yml")
        self.file.setAccessibleName("Compose file")
        self.env_file = QLineEdit(placeholderText="optional: the folder's .env is read anyway")
        self.env_file.setAccessibleName("Env file")
        self.name = QLineEdit()
        self.name.setAccessibleName("Project name")
        self.profiles_row = QHBoxLayout()
        self.profiles_note = QLabel()
        theme.mark(self.profiles_note, "muted")
        self.profiles_row.addWidget(self.profiles_note)
        self.profiles_row.addStretch(1)
        self.profile_boxes: dict[str, QCheckBox] = {}
        self.build_box = QCheckBox("Build the images that have a build section first (--build)")
        self.pull_box = QCheckBox("Pull newer images first (pull)")
        self.preview = QLabel()
        self.preview.setObjectName("composePreview")
        self.preview.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        theme.mark(self.warning, "warn")
        self.problem = problem_line()
        self.command = command_line()
        intro = QLabel(text("compose.about"))
        intro.setWordWrap(True)
        theme.mark(intro, "muted")

        form = QFormLayout()
        form.addRow("Compose file:", self._with_chooser(self.file, "Choose the compose file"))
        form.addRow("Env file:", self._with_chooser(self.env_file, "Choose an env file"))
        form.addRow("Project name:", self.name)
        form.addRow("Profiles:", self.profiles_row)
        form.addRow("", self.build_box)
        form.addRow("", self.pull_box)
        buttons, self.up_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok, "Up")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.warning)
        layout.addWidget(self.problem)
        layout.addWidget(self.command)
        layout.addWidget(buttons)

        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._read_file)
        self.file.textChanged.connect(self._on_file)
        self.env_file.textChanged.connect(lambda _t: self._timer.start())
        self.name.textEdited.connect(self._on_name_edited)
        self.name.textChanged.connect(lambda _t: self._refresh())
        for box in (self.build_box, self.pull_box):
            box.toggled.connect(lambda _on: self._refresh())
        if path:
            self.file.setText(path)
        self._refresh()

    def _with_chooser(self, field: QLineEdit, title: str) -> QWidget:
        button = QPushButton("Choose…")
        button.setAccessibleName(title)
        button.clicked.connect(lambda: self._choose(field, title))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field, 1)
        line.addWidget(button)
        return row

    def _choose(self, field: QLineEdit, title: str) -> None:
        start = os.path.dirname(self.file.text()) or os.path.expanduser("~")
        chosen, _filter = QFileDialog.getOpenFileName(self, title, start, FILE_FILTER)
        if chosen:
            field.setText(chosen)

    # --- the ask --------------------------------------------------------------------------

    @property
    def build(self) -> bool:
        return self.build_box.isChecked()

    @property
    def pull(self) -> bool:
        return self.pull_box.isChecked()

    def chosen_profiles(self) -> tuple[str, ...]:
        return tuple(p for p, box in self.profile_boxes.items() if box.isChecked())

    def files(self, profiles: tuple[str, ...] | None = None) -> ComposeFiles:
        path = os.path.abspath(os.path.expanduser(self.file.text().strip())) \
            if self.file.text().strip() else ""  # fmt: skip
        env = self.env_file.text().strip()
        return ComposeFiles(
            name=self.name.text().strip(),
            working_dir=os.path.dirname(path),
            files=(path,) if path else (),
            env_file=os.path.abspath(os.path.expanduser(env)) if env else "",
            profiles=self.chosen_profiles() if profiles is None else profiles,
        )

    # --- reading the file -----------------------------------------------------------------

    def _on_file(self, path: str) -> None:
        if not self._named_by_user:
            folder = os.path.basename(os.path.dirname(os.path.abspath(path))) if path else ""
            self.name.setText(default_project_name(folder, self.tool.v2) if folder else "")
        self._timer.start()

    def _on_name_edited(self, _text: str) -> None:
        self._named_by_user = True

    def _read_file(self) -> None:
        self.config = None
        self._read_error = ""
        target = self.files(("*",) if self.tool.v2 else ())
        if not target.files:
            self._refresh()
            return
        if not os.path.isfile(target.files[0]):
            self._read_error = f"There is no file {target.files[0]}: choose the compose file."
            self._refresh()
            return
        if target.env_file and not os.path.isfile(target.env_file):
            self._read_error = f"There is no env file {target.env_file}: choose another, or " \
                "leave it empty."  # fmt: skip
            self._refresh()
            return
        self.preview.setText("Reading the file with Compose…")
        self._reading.start(self._read_config(target))

    async def _read_config(self, target: ComposeFiles) -> None:
        try:
            config = await self._read(target)
        except EngineError as exc:
            self._read_error = exc.in_words()
            self._refresh()
            return
        self.config = config
        self._fill_profiles(config)
        self._refresh()

    def _fill_profiles(self, config: ComposeConfig) -> None:
        for box in self.profile_boxes.values():
            self.profiles_row.removeWidget(box)
            box.deleteLater()
        self.profile_boxes = {}
        for number, profile in enumerate(config.profiles):
            box = QCheckBox(profile)
            box.toggled.connect(lambda _on: self._refresh())
            self.profiles_row.insertWidget(number, box)
            self.profile_boxes[profile] = box
        self.profiles_note.setText(
            "" if config.profiles else "none in this file: every service starts"
        )
        self.profiles_note.setToolTip(text("compose.profiles"))
        for box in self.profile_boxes.values():
            box.setToolTip(text("compose.profiles"))

    # --- what it would do -----------------------------------------------------------------

    def _refresh(self) -> None:
        target = self.files()
        name_problem = project_name_problem(target.name, self.tool.v2) if target.name else ""
        problems = [p for p in (self._read_error, name_problem) if p]
        theme.mark_problem(self.name, bool(name_problem))
        self.problem.setText(" ".join(problems))
        self.problem.setVisible(bool(problems))
        self.up_button.setEnabled(bool(self.config and target.name and not problems))
        self.preview.setText(self._preview_html(target))
        self.warning.setText(self._warning(target))
        self.warning.setVisible(bool(self.warning.text()))
        self._grow()
        if target.files and target.name:
            steps = []
            if self.pull:
                steps.append(compose_command(self.tool, target, "pull"))
            words = ["up", "-d"] + (["--build"] if self.build else [])
            steps.append(compose_command(self.tool, target, *words))
            shown = [("cd", target.working_dir), *steps]
            self.command.setText(" && ".join(shlex.join(s) for s in shown))
        else:
            self.command.setText(f"{self.tool.name} up -d")

    def _grow(self) -> None:
        """Grow to fit what the preview says now, never squeezing the fields."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def _preview_html(self, target: ComposeFiles) -> str:
        config = self.config
        if config is None:
            return "" if self._read_error else "Choose a compose file to see what it starts."
        starting = services_started(config, target.profiles)
        name = target.name or "project"
        lines = []
        for service in starting:
            wanted = config.service(service)
            count = wanted.scale if wanted is not None else 1
            names = ", ".join(container_name(name, service, n, self.tool.v2)
                              for n in range(1, count + 1))  # fmt: skip
            lines.append(f"<li><b>{service}</b>: {names}</li>")
        left_out = [
            f"{s.name} (profile {', '.join(s.profiles)})"
            for s in config.services if s.name not in starting
        ]  # fmt: skip
        html_text = f"Up starts {counted(len(starting), 'service')}:<ul>{''.join(lines)}</ul>"
        if left_out:
            html_text += f"Not started: {', '.join(left_out)}."
        return html_text

    def _warning(self, target: ComposeFiles) -> str:
        existing = self.projects.get(target.name)
        if existing is None:
            return ""
        if self.tool.v2 and existing.made_by_v1:
            return (f"Project {target.name} was made by Compose v1 (docker-compose). Compose "
                    f"v2 ({self.tool.version}) names and labels containers differently, so "
                    "this up recreates every one of its containers (their own files are "
                    "lost; volumes stay).")  # fmt: skip
        return (
            f"A project named {target.name} exists: up brings it in line with this file, "
            "recreating the containers whose settings changed."
        )
