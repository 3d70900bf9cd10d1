"""Down, with what it removes shown before it runs: the containers and networks that go, the
named volumes that stay (or go with -v, only once the project's name is typed), and the
images that go with --rmi."""

from __future__ import annotations

import html
import shlex
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import command_line, yes_and_cancel
from desktop_app.learning import text
from engine_bridge import ComposeProject, DownPlan

Planner = Callable[[bool, str], DownPlan]
Commander = Callable[[bool, str], tuple[tuple[str, ...], ...]]

IMAGE_CHOICES = (
    ("", "Keep the images"),
    ("local", "Remove the images built for it (--rmi local)"),
    ("all", "Remove every image its services use (--rmi all)"),
)


class DownDialog(QDialog):
    """Attributes: `volumes_box`, `confirm` (the typed name), `images`, `preview`,
    `command`, `down_button`; `remove_volumes` and `image_choice` are the ask, `plan()` what
    goes."""

    def __init__(self, project: ComposeProject, planner: Planner, commander: Commander,
                 note: str = "", parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("composeDownDialog")
        self.setWindowTitle(f"Down {project.name}")
        self.setMinimumWidth(560)
        self.project, self._planner, self._commander = project, planner, commander
        intro = QLabel(text("compose.down"))
        intro.setWordWrap(True)
        theme.mark(intro, "muted")
        self.preview = QLabel()
        self.preview.setObjectName("downPreview")
        self.preview.setWordWrap(True)
        self.volumes_box = QCheckBox("Also remove its named volumes and their data (-v)")
        self.confirm = QLineEdit(placeholderText=f"type {project.name} to remove its volumes")
        self.confirm.setAccessibleName("Project name, to confirm")
        self.images = QComboBox()
        self.images.setAccessibleName("Images")
        for value, words in IMAGE_CHOICES:
            self.images.addItem(words, value)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        theme.mark(self.note, "warn")
        self.note.setVisible(bool(note))
        self.command = command_line()
        form = QFormLayout()
        form.addRow("", self.volumes_box)
        form.addRow("Confirm:", self.confirm)
        form.addRow("Images:", self.images)
        buttons, self.down_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok,
                                                   "Down")  # fmt: skip
        self.down_button.setProperty("destructive", True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        self.volumes_box.toggled.connect(lambda _on: self._refresh())
        self.confirm.textChanged.connect(lambda _t: self._refresh())
        self.images.currentIndexChanged.connect(lambda _i: self._refresh())
        self._refresh()

    @property
    def remove_volumes(self) -> bool:
        return self.volumes_box.isChecked()

    @property
    def image_choice(self) -> str:
        return str(self.images.currentData() or "")

    def plan(self) -> DownPlan:
        return self._planner(self.remove_volumes, self.image_choice)

    def _refresh(self) -> None:
        self.confirm.setEnabled(self.remove_volumes)
        confirmed = not self.remove_volumes or self.confirm.text().strip() == self.project.name
        theme.mark_problem(self.confirm, self.remove_volumes and bool(self.confirm.text())
                           and not confirmed)  # fmt: skip
        self.down_button.setEnabled(confirmed)
        self.preview.setText(_plan_html(self.plan()))
        steps = self._commander(self.remove_volumes, self.image_choice)
        self.command.setText(" && ".join(shlex.join(s) for s in steps))


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(html.escape(n) for n in names)


def _plan_html(plan: DownPlan) -> str:
    bad = theme.colour("bad")
    rows = [f"<b>Removed</b>: containers {_names(plan.containers) or 'none'}"]
    if plan.networks:
        rows.append(f"<b>Removed</b>: networks {_names(plan.networks)}")
    if plan.volumes:
        rows.append(f"<b style='color:{bad}'>Removed with their data</b>: volumes "
                    f"{_names(plan.volumes)}")  # fmt: skip
    if plan.kept_volumes:
        rows.append(f"<b>Kept</b>: volumes {_names(plan.kept_volumes)} (with their data, for "
                    "the next up)")  # fmt: skip
    if plan.images:
        rows.append(f"<b>Removed</b>: images {_names(plan.images)} (unless another container "
                    "uses them)")  # fmt: skip
    if plan.orphans:
        rows.append(f"<b>Kept</b>: containers {_names(plan.orphans)}, of services the file no "
                    "longer has")  # fmt: skip
    return "<br>".join(rows)
