"""The Volumes pane's own dialogs: create a volume, preview a prune, and import a .tar."""

from __future__ import annotations

import html
import shlex
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import command_line, problem_line
from desktop_app.learning import text
from desktop_app.presentation import decimal_size
from desktop_app.widgets.rows_editor import RowsEditor
from engine_bridge import PrunePlan, create_volume, prune_takes_named, short_name
from engine_bridge.specs.volume_form import key_values, volume_name_problem


class CreateVolumeDialog(QDialog):
    """Name, driver, driver options and labels, checked as they are typed, and the
    `docker volume create` command they stand for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createVolumeDialog")
        self.setWindowTitle("Create a volume")
        self.setMinimumWidth(520)
        self.name = QLineEdit(placeholderText="Leave empty and the engine picks a name")
        self.name.setObjectName("volumeName")
        self.driver = QLineEdit("local")
        self.options = RowsEditor("type=tmpfs")
        self.labels = RowsEditor("team=web")
        self.problem = problem_line()
        self.problem.setObjectName("volumeProblem")
        self.command = command_line()
        intro = QLabel(text("volumes.create"))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Driver:", self.driver)
        form.addRow("Driver options:", self.options)
        form.addRow("Labels:", self.labels)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.command)
        layout.addWidget(self.buttons)
        for signal in (
            self.name.textChanged,
            self.driver.textChanged,
            self.options.changed,
            self.labels.changed,
        ):
            signal.connect(self._check)
        self._check()

    def values(self) -> tuple[str, str, dict[str, str], dict[str, str]]:
        options, _ = key_values(self.options.values(), "driver option")
        labels, _ = key_values(self.labels.values(), "label")
        return self.name.text().strip(), self.driver.text().strip() or "local", options, labels

    def _check(self) -> None:
        _, option_problems = key_values(self.options.values(), "driver option")
        _, label_problems = key_values(self.labels.values(), "label")
        self.options.mark(option_problems)
        self.labels.mark(label_problems)
        problem = (
            volume_name_problem(self.name.text().strip())
            or next(iter(option_problems.values()), None)
            or next(iter(label_problems.values()), None)
        )
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        name, driver, options, labels = self.values()
        self.command.setText(html.escape(create_volume(name, driver, options, labels).command))


class PruneDialog(QDialog):
    """Exactly the volumes a prune removes on this engine, with their sizes, what the
    command means on this engine's API version, and the command."""

    def __init__(
        self,
        plan: PrunePlan,
        sizes: dict[str, int | None],
        anonymous: set[str],
        parent: QWidget | None = None,
        projects: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pruneVolumesDialog")
        self.setWindowTitle("Prune volumes")
        self.setMinimumSize(600, 420)
        self.plan = plan
        self.named_too = QCheckBox("Also remove unused named volumes (--all)")
        self.named_too.setObjectName("pruneNamedToo")
        older = prune_takes_named(plan.api_version)
        self.named_too.setChecked(plan.named_too)
        self.named_too.setVisible(not older)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("pruneExplain")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("pruneTable")
        self.table.setHorizontalHeaderLabels(["Volume", "Kind", "Size"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 190)
        self.table.setColumnWidth(2, 90)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.total = QLabel()
        self.command = command_line()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.remove = QPushButton("Remove these volumes")
        self.remove.setObjectName("pruneConfirm")
        theme.mark(self.remove, "bad")
        self.buttons.addButton(self.remove, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.named_too)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.command)
        layout.addWidget(self.buttons)
        self._sizes, self._anonymous, self._projects = sizes, anonymous, projects or {}
        self.show_plan(plan)

    def show_plan(self, plan: PrunePlan) -> None:
        self.plan = plan
        older = prune_takes_named(plan.api_version)
        version = f"Engine API {plan.api_version}"
        if older:
            meaning = text("volumes.prune", "older").format(version=version)
        else:
            meaning = text("volumes.prune", "newer").format(version=version)
        self.explain.setText(f"<p>{meaning}</p><p>{text('volumes.prune')}</p>")
        self.table.setRowCount(len(plan.volumes))
        total = 0
        for number, name in enumerate(plan.volumes):
            size = self._sizes.get(name)
            total += size or 0
            kind = "anonymous" if name in self._anonymous else "named"
            if name in self._projects:
                kind += f", Compose {self._projects[name]}"
            for column, value in enumerate(
                (name, kind, "" if size is None else decimal_size(size))
            ):
                item = QTableWidgetItem(value)
                if column == 1 and kind.startswith("named"):
                    item.setForeground(theme.qcolour("warn"))
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(number, column, item)
        count = len(plan.volumes)
        self.total.setText(
            f"{count} volume{'s' if count != 1 else ''} would be removed, "
            f"{decimal_size(total)} freed."
            if count
            else "Nothing to prune: every volume is in use or kept."
        )
        self.remove.setEnabled(count > 0)
        self.command.setText(html.escape(shlex.join(plan.argv)))


class ImportDialog(QDialog):
    """Into a new volume (its name) or an existing one (which files it overwrites)."""

    def __init__(
        self,
        archive: str,
        names: Sequence[str],
        volumes: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importVolumeDialog")
        self.setWindowTitle("Import a .tar into a volume")
        self.setMinimumWidth(520)
        self.archive_names = list(names)
        self.target = QComboBox()
        self.target.setObjectName("importTarget")
        self.target.setEditable(True)
        self.target.addItems(list(volumes))
        self.target.setCurrentText("")
        editor = self.target.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("A new volume's name, or pick one")
        self.volumes = set(volumes)
        self.existing_files: set[str] | None = None
        self.note = QLabel()
        self.note.setObjectName("importNote")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{html.escape(archive)}: {len(self.archive_names)} entries"))
        form = QFormLayout()
        form.addRow("Into volume:", self.target)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.target.currentTextChanged.connect(self._check)
        self._check()

    @property
    def name(self) -> str:
        return self.target.currentText().strip()

    @property
    def creates(self) -> bool:
        return self.name not in self.volumes

    def set_existing_files(self, files: set[str] | None) -> None:
        self.existing_files = files
        self._check()

    def overwritten(self) -> list[str]:
        if self.creates or self.existing_files is None:
            return []
        return sorted(set(self.archive_names) & self.existing_files)

    def _check(self) -> None:
        name = self.name
        problem = volume_name_problem(name) if name else "Name the volume to import into."
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)
        if problem:
            self.note.setText(f"<span style='color:{theme.colour('bad')}'>{problem}</span>")
        elif self.creates:
            self.note.setText(
                f"A new volume {html.escape(name)} is made and the archive unpacked into it."
            )
        elif self.existing_files is None:
            self.note.setText("Reading what the volume holds…")
        else:
            gone = self.overwritten()
            shown = ", ".join(html.escape(short_name(p)) for p in gone[:8])
            more = f" and {len(gone) - 8} more" if len(gone) > 8 else ""
            self.note.setText(
                f"<span style='color:{theme.colour('warn')}'>{len(gone)} files of "
                f"{html.escape(name)} are overwritten: {shown}{more}.</span> Other files stay."
                if gone
                else f"No file of {html.escape(name)} is overwritten; its files stay."
            )


class NameDialog(QDialog):
    """Ask for a new volume's name, checked as it is typed (and not one already taken)."""

    def __init__(
        self,
        title: str,
        prompt: str,
        suggested: str,
        taken: set[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("volumeNameDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.taken = taken
        self.name = QLineEdit(suggested)
        self.name.setObjectName("volumeName")
        self.problem = problem_line()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        layout.addWidget(self.name)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._check)
        self._check()

    def value(self) -> str:
        return self.name.text().strip()

    def _check(self) -> None:
        name = self.value()
        problem = (
            "Give the new volume a name."
            if not name
            else f"A volume named {name} exists already."
            if name in self.taken
            else volume_name_problem(name)
        )
        self.problem.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
