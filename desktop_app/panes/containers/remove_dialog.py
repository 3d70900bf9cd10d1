"""Ask before removing containers: say which go, what is lost, and what stays."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.dialogs import yes_and_cancel
from desktop_app.learning import text
from engine_bridge import ContainerSummary


class RemoveContainersDialog(QDialog):
    """Confirmation for `docker rm`. Attributes: `volumes_box` (remove anonymous volumes)."""

    def __init__(self, containers: Sequence[ContainerSummary], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("removeContainersDialog")
        self.setMinimumWidth(460)
        count = len(containers)
        self.setWindowTitle("Remove container" if count == 1 else f"Remove {count} containers")
        layout = QVBoxLayout(self)
        heading = QLabel(
            f"Remove <b>{containers[0].name}</b>?"
            if count == 1
            else f"Remove these {count} containers?"
        )
        layout.addWidget(heading)
        names = QListWidget()
        names.setObjectName("removeList")
        for c in containers:
            names.addItem(f"{c.name}  ({c.state}, {c.image})")
        names.setMaximumHeight(min(180, 24 * count + 8))
        layout.addWidget(names)
        explanation = QLabel(text("containers.remove"))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        running = [c for c in containers if c.is_running]
        if running:
            force = QLabel(text("containers.remove", "force"))
            force.setWordWrap(True)
            theme.mark(force, "warn")
            layout.addWidget(force)
        anonymous = sum(
            1 for c in containers for m in c.mounts if m.type == "volume" and _anonymous(m.name)
        )
        self.volumes_box = QCheckBox(
            f"Also remove {anonymous} anonymous volume{'s' if anonymous != 1 else ''}"
            if anonymous
            else "Also remove anonymous volumes"
        )
        self.volumes_box.setObjectName("removeVolumes")
        layout.addWidget(self.volumes_box)
        buttons, ok = yes_and_cancel(self, QDialogButtonBox.StandardButton.Ok, "Remove")
        ok.setObjectName("confirmRemove")
        self.remove_button = ok
        layout.addWidget(buttons)
        self.force = bool(running)


def _anonymous(volume_name: str) -> bool:
    """Anonymous volumes are named by the engine with 64 hex digits."""
    return len(volume_name) == 64 and all(ch in "0123456789abcdef" for ch in volume_name)
