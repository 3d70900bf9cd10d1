"""From the Engine page, a user switches to the VM engine: Dockyard builds and boots it, the
panes follow it live, the page says how long it took and what its disk takes; and back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.dialogs.machine_settings import MachineSettingsDialog
from desktop_app.window import MainWindow
from engine_bridge import Lifecycle, MachineSettings, VmEngine
from tests.gui.conftest import until


@pytest.mark.timeout(900)
def test_switching_to_the_vm_engine_and_back_is_live(
    window: MainWindow, qtbot: Any, run: Any
) -> None:
    pane = window.engine_pane
    window.show_pane("Engine")
    first = window.session.provider.kind if window.session else None
    assert pane.kinds.buttons["vm"].isEnabled()

    async def scenario() -> None:
        qtbot.mouseClick(pane.kinds.buttons["vm"], Qt.MouseButton.LeftButton)
        await until(lambda: window.session is not None and window.session.provider.kind == "vm"
                    and window.session.provider.status.state is Lifecycle.RUNNING
                    and window.containers_pane.is_loaded, 600, "the VM engine")  # fmt: skip
        assert pane.kinds.buttons["vm"].text() == "In use"
        assert not pane.kinds.buttons["vm"].isEnabled()
        assert pane.bundled_box.title() == "VM engine"
        assert "Ready" in pane.details.text()
        assert "data disk takes" in pane.details.text()
        assert "127.0.0.1" in pane.where.text()
        await until(lambda: pane.fact("Operating system").startswith("Dockyard VM engine"), 30,
                    "the VM's facts")  # fmt: skip
        # The machine's settings: kept for the next start, and said so.
        assert pane.machine_button.isVisible()
        assert pane.settings_button.isVisible(), "the VM's engine settings (daemon.json)"
        qtbot.mouseClick(pane.machine_button, Qt.MouseButton.LeftButton)
        await until(lambda: isinstance(pane.settings_dialog, MachineSettingsDialog)
                    and pane.settings_dialog.isVisible(), 5, "the machine dialog")  # fmt: skip
        dialog = pane.settings_dialog
        assert isinstance(dialog, MachineSettingsDialog)
        assert dialog.disk.minimum() == dialog.current.disk_gib, "a disk never shrinks"
        dialog.memory.setValue(1536)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        await until(lambda: "Restart the engine" in pane.settings_said.text(), 5, "the answer")
        assert VmEngine().machine().memory_mib == 1536
        back = first if first in ("bundled", "system") else "bundled"
        qtbot.mouseClick(pane.kinds.buttons[back], Qt.MouseButton.LeftButton)
        await until(lambda: window.session is not None and window.session.provider.kind == back
                    and window.containers_pane.is_loaded, 60, "the engine before")  # fmt: skip

    try:
        run(scenario())
    finally:
        run(asyncio.to_thread(VmEngine().stop_blocking))
        VmEngine().choose_machine(MachineSettings())
