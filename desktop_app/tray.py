"""The tray icon, where the desktop has a tray: the engine's state at a glance, the window,
starting and stopping Dockyard's own engine, Quit; and a desktop notification when long work
ends while the window is not in front."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from desktop_app import icons, settings
from engine_bridge import Operation, OperationState

if TYPE_CHECKING:
    from desktop_app.window import MainWindow

#: Work that took at least this long (seconds) is worth a notification when it ends.
LONG_WORK = 5.0


def ending_words(operation: Operation[object]) -> tuple[str, str] | None:
    """(title, words) announcing the end of `operation` when it was long work; else None."""
    if not operation.state.finished or operation.started_at is None:
        return None
    took = (operation.finished_at or operation.started_at) - operation.started_at
    if took < LONG_WORK:
        return None
    minutes, seconds = divmod(round(took), 60)
    spent = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    if operation.state is OperationState.SUCCEEDED:
        return f"Done: {operation.title}", f"Finished after {spent}."
    if operation.state is OperationState.CANCELLED:
        return f"Cancelled: {operation.title}", f"Stopped after {spent}, as asked."
    why = operation.error.in_words(hint=False) if operation.error else "It failed."
    return f"Failed: {operation.title}", why


def wanted() -> bool:
    """Whether the user wants to hear of long work ending (Settings)."""
    return settings.store().value("notify/long-work", "true") == "true"


class Tray(QObject):
    """Attributes: `icon` (None where the desktop has no tray), `told` (what was announced,
    newest last: (title, words))."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.told: list[tuple[str, str]] = []
        self._announced: set[int] = set()
        self.icon: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self.icon = QSystemTrayIcon(icons.app_icon(), self)
        menu = QMenu(window)
        self.state_action = menu.addAction("")
        self.state_action.setEnabled(False)
        menu.addSeparator()
        menu.addAction("Open Dockyard").triggered.connect(self.bring_forward)
        pane = window.engine_pane
        self.start_action = menu.addAction("Start Dockyard's engine")
        self.start_action.triggered.connect(pane.start_button.click)
        self.stop_action = menu.addAction("Stop Dockyard's engine")
        self.stop_action.triggered.connect(pane.stop_button.click)
        menu.addSeparator()
        menu.addAction("Quit Dockyard").triggered.connect(window.close)
        menu.aboutToShow.connect(self._follow)
        self.menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.setToolTip("Dockyard")
        self.icon.show()

    def _follow(self) -> None:
        pane = self.window.engine_pane
        self.state_action.setText(self.window.status_text.text())
        self.start_action.setVisible(pane.start_button.isVisibleTo(pane))
        self.start_action.setEnabled(pane.start_button.isEnabled())
        self.stop_action.setVisible(pane.stop_button.isVisibleTo(pane))
        self.stop_action.setEnabled(pane.stop_button.isEnabled())

    def show_status(self, words: str) -> None:
        if self.icon is not None:
            self.icon.setToolTip(f"Dockyard · {words}")

    def bring_forward(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.bring_forward()

    def operation_changed(self, operation: Operation[object]) -> None:
        """Announce long work that ended while the window was not in front."""
        if self.window.isActiveWindow() or not wanted():
            return
        words = ending_words(operation)
        if words is None or operation.id in self._announced:
            return
        self._announced.add(operation.id)
        self.told.append(words)
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            failed = operation.state is OperationState.FAILED
            kind = QSystemTrayIcon.MessageIcon
            self.icon.showMessage(*words, kind.Warning if failed else kind.Information, 8000)
        else:
            # No tray to speak through: the taskbar entry asks for attention instead.
            QApplication.alert(self.window)
