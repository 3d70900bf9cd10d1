"""The Build dialog: the context folder and its Dockerfile, tags, the stage to stop at, build
arguments (the Dockerfile's own, with their defaults), labels and switches; what the context
will send after .dockerignore; the syntax the engine's builder would fail on; and the
`docker build` command it all stands for."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs import command_line, problem_line, yes_and_cancel
from desktop_app.presentation import counted, decimal_size
from desktop_app.widgets.rows_editor import RowsEditor
from engine_bridge import (
    BuildSpec,
    Dockerfile,
    build_problems,
    docker_build_text,
    read_dockerfile,
    run_blocking,
    summarise_context,
)


def _pairs(values: list[str]) -> tuple[tuple[str, str], ...]:
    found = []
    for value in values:
        if value.strip():
            name, _, rest = value.partition("=")
            found.append((name.strip(), rest))
    return tuple(found)


class BuildDialog(QDialog):
    """Attributes: `context`, `dockerfile`, `tags`, `target`, `args`, `labels`, `no_cache`,
    `pull`, `sending` (the context summary), `buildkit` (the warning), `command`,
    `problem`, `build_button`; `spec()` is what the build will be."""

    def __init__(self, spec: BuildSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildDialog")
        self.setWindowTitle("Build an image")
        self.resize(720, 640)
        self.dockerfile_read: Dockerfile | None = None
        self.context = QLineEdit(placeholderText="The folder sent to the builder")
        self.context.setAccessibleName("Context folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._on_browse)
        self.dockerfile = QLineEdit("Dockerfile")
        self.dockerfile.setAccessibleName("Dockerfile")
        self.dockerfile.setToolTip("Its path inside the context folder")
        self.tags = QLineEdit(placeholderText="e.g. web:1.0 127.0.0.1:5000/team/web:1.0")
        self.tags.setAccessibleName("Tags")
        self.target = QComboBox()
        self.target.setAccessibleName("Target stage")
        self.target.setEditable(True)
        self.args = RowsEditor("NAME=value")
        self.args.setAccessibleName("Build arguments")
        self.labels = RowsEditor("org.opencontainers.image.source=https://example.org/web")
        self.labels.setAccessibleName("Labels")
        self.platform = QLineEdit(placeholderText="the engine's own, e.g. linux/amd64")
        self.platform.setAccessibleName("Platform")
        self.platform.setToolTip(
            "The OS and CPU the image is for. The classic builder builds for the engine's own "
            "platform; another needs an engine (or buildx) that can run it."
        )
        self.no_cache = QCheckBox("Build every step anew (--no-cache)")
        self.pull = QCheckBox("Always pull the base images (--pull)")
        self.sending = QLabel()
        self.sending.setWordWrap(True)
        theme.mark(self.sending, "muted")
        self.buildkit = QLabel()
        self.buildkit.setWordWrap(True)
        theme.mark(self.buildkit, "warn")
        self.buildkit.hide()
        self.problem = problem_line()
        self.command = command_line()
        copy = QPushButton("Copy command")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.command.text()))

        context_row = QHBoxLayout()
        context_row.addWidget(self.context, 1)
        context_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Context:", context_row)
        form.addRow("Dockerfile:", self.dockerfile)
        form.addRow("Tags:", self.tags)
        form.addRow("Target stage:", self.target)
        form.addRow("Build arguments:", self.args)
        form.addRow("Labels:", self.labels)
        form.addRow("Platform:", self.platform)
        form.addRow("", self.no_cache)
        form.addRow("", self.pull)
        explain = QLabel(
            "The builder gets the context folder, minus what its .dockerignore names, and runs "
            "the Dockerfile's steps in order. Each step is a layer; a step whose instruction "
            "and files did not change comes from the cache, so put what changes most near "
            "the end. A multi-stage Dockerfile builds in stages: the target is the one to "
            "stop at, and build arguments fill its ARG lines."
        )
        explain.setWordWrap(True)
        theme.mark(explain, "muted")
        buttons, self.build_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok,
                                                    "Build")  # fmt: skip
        command_row = QHBoxLayout()
        command_row.addWidget(QLabel("<b>The same with the docker command</b>"), 1)
        command_row.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.sending)
        layout.addWidget(self.buildkit)
        layout.addWidget(self.problem)
        layout.addLayout(command_row)
        layout.addWidget(self.command)
        layout.addWidget(buttons)

        self._summary_due = QTimer(self, singleShot=True, interval=300)
        self._summary_due.timeout.connect(self._read_context)
        for field in (self.context, self.dockerfile):
            field.textChanged.connect(self._on_context_changed)
        for field in (self.tags, self.platform):
            field.textChanged.connect(self._refresh)
        self.target.currentTextChanged.connect(self._refresh)
        for editor in (self.args, self.labels):
            editor.changed.connect(self._refresh)
        for box in (self.no_cache, self.pull):
            box.toggled.connect(self._refresh)
        if spec is not None:
            self.fill(spec)
        self._refresh()

    def fill(self, spec: BuildSpec) -> None:
        """Show `spec` (building again what was built before)."""
        self.context.setText(spec.context)
        self.dockerfile.setText(spec.dockerfile_path)
        self.tags.setText(" ".join(spec.tags))
        self.target.setCurrentText(spec.target)
        self.args.set_values([f"{n}={v}" for n, v in spec.args])
        self.labels.set_values([f"{n}={v}" for n, v in spec.labels])
        self.no_cache.setChecked(spec.no_cache)
        self.pull.setChecked(spec.pull)
        self.platform.setText(spec.platform)

    def spec(self) -> BuildSpec:
        return BuildSpec(
            context=self.context.text().strip(),
            dockerfile=self.dockerfile.text().strip() or "Dockerfile",
            tags=tuple(self.tags.text().replace(",", " ").split()),
            target=self.target.currentText().strip(),
            args=_pairs(self.args.values()),
            labels=_pairs(self.labels.values()),
            no_cache=self.no_cache.isChecked(),
            pull=self.pull.isChecked(),
            platform=self.platform.text().strip(),
        )

    def _on_browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "The build context", self.context.text())
        if chosen:
            self.context.setText(chosen)

    def _on_context_changed(self) -> None:
        self._read_dockerfile()
        self._summary_due.start()
        self._refresh()

    def _read_dockerfile(self) -> None:
        spec = self.spec()
        path = Path(spec.context) / spec.dockerfile_path
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        except OSError:
            text = ""
        self.dockerfile_read = read_dockerfile(text) if text else None
        chosen = self.target.currentText()
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("")  # the last stage: the default
        if self.dockerfile_read is not None:
            self.target.addItems(self.dockerfile_read.targets)
            known = {n for n, _v in _pairs(self.args.values())}
            missing = [a for a in self.dockerfile_read.args if a.name not in known]
            for arg in missing:  # the Dockerfile's own arguments, with their defaults
                self.args.add_value(f"{arg.name}={arg.default}")
        self.target.setCurrentText(chosen)
        self.target.blockSignals(False)
        found = self.dockerfile_read.buildkit_only if self.dockerfile_read else ()
        self.buildkit.setVisible(bool(found))
        if found:
            lines = "; ".join(f"line {b.line}: {b.what}" for b in found)
            self.buildkit.setText(
                f"This Dockerfile uses what only BuildKit understands ({lines}). The engine's "
                "own builder will stop there: write those steps without it, or build where "
                "docker buildx is installed."
            )

    @asyncSlot()
    async def _read_context(self) -> None:
        spec = self.spec()
        if not spec.context:
            self.sending.setText("")
            return
        self.sending.setText("Reading the context folder…")
        try:
            summary = await run_blocking(None, summarise_context, spec)
        except OSError as exc:
            self.sending.setText(f"Cannot read the context folder: {exc}")
            return
        if spec != self.spec():
            return  # the user typed on: a newer reading is due
        biggest = ", ".join(f"{path} ({decimal_size(size)})" for path, size in summary.biggest[:3])
        left = (
            f"; .dockerignore keeps {counted(summary.left_out, 'file')} back"
            if summary.left_out
            else ""
        )
        self.sending.setText(
            f"The build sends {counted(summary.files, 'file')}, {decimal_size(summary.size)}"
            f"{left}. Biggest: {biggest or 'none'}."
        )

    def _refresh(self) -> None:
        spec = self.spec()
        found = build_problems(spec)
        if spec.context and not os.path.isdir(spec.context):
            found.setdefault("context", f"There is no folder {spec.context}.")
        elif spec.context and not (Path(spec.context) / spec.dockerfile_path).is_file():
            found.setdefault("dockerfile", f"There is no {spec.dockerfile_path} in the context "
                                           "folder; name the Dockerfile to use.")  # fmt: skip
        self.problem.setText(" ".join(found.values()))
        self.problem.setVisible(bool(found))
        theme.mark_problem(self.context, "context" in found and bool(spec.context))
        theme.mark_problem(self.dockerfile, "dockerfile" in found)
        theme.mark_problem(self.tags, "tags" in found)
        self.command.setText(docker_build_text(spec) if spec.context else "docker build …")
        self.build_button.setEnabled(not found)
