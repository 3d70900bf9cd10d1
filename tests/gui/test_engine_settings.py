"""Engine settings on the Engine page, for the bundled engine: the form checks what is typed,
says when a save restarts the engine, carries edits to and from the JSON view, and a saved
live setting is taken by the running engine without a restart."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.dialogs.engine_settings import EngineSettingsDialog
from desktop_app.window import MainWindow
from engine_bridge.engines.bundled import BundledEngine
from tests.gui.conftest import until


def test_engine_settings_are_checked_explained_and_taken_live(
    window: MainWindow, bundled_engine: BundledEngine, docker_client: Any, qtbot: Any, run: Any
) -> None:
    before = bundled_engine.settings.read()
    pid = bundled_engine.pid
    pane = window.engine_pane
    window.show_pane("Engine")
    assert pane.settings_button.isVisible()
    assert pane.settings_button.isEnabled()

    async def scenario() -> None:
        qtbot.mouseClick(pane.settings_button, Qt.MouseButton.LeftButton)
        await until(lambda: isinstance(pane.settings_dialog, EngineSettingsDialog)
                    and pane.settings_dialog.isVisible(), 5, "the settings dialog")  # fmt: skip
        dialog = pane.settings_dialog
        assert isinstance(dialog, EngineSettingsDialog)
        assert not dialog.save_button.isEnabled(), "nothing changed yet"
        dialog.mirrors.setPlainText("mirror.example")
        assert "https://host[:port]" in dialog.problem.text()
        assert not dialog.save_button.isEnabled()
        dialog.mirrors.setPlainText("http://127.0.0.1:5998")
        assert dialog.problem.text() == ""
        assert dialog.restart_note.text() == ""
        assert dialog.save_button.isEnabled()
        dialog.log_driver.setCurrentIndex(dialog.log_driver.findData("local"))
        assert "restarts the engine for log-driver" in dialog.restart_note.text()
        assert "Running containers stop" in dialog.restart_note.text()
        dialog.log_driver.setCurrentIndex(0)
        assert dialog.restart_note.text() == ""
        dialog.tabs.setCurrentIndex(1)
        raw = dialog.raw.toPlainText()
        assert '"http://127.0.0.1:5998"' in raw
        dialog.raw.setPlainText(raw.replace("{", '{\n  "data-root": "/srv/docker",', 1))
        assert "Dockyard sets data-root" in dialog.problem.text()
        assert not dialog.save_button.isEnabled()
        dialog.raw.setPlainText(raw.replace("{", '{\n  "debug": true,', 1))
        dialog.tabs.setCurrentIndex(0)
        assert dialog.debug.isChecked(), "the JSON view's edit is in the form"
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        await until(lambda: "confirmed the reload" in pane.settings_said.text(), 20,
                    "the engine's confirmation")  # fmt: skip
        assert "debug" in pane.settings_said.text()
        assert "registry-mirrors" in pane.settings_said.text()

    try:
        run(scenario())
        info = docker_client.info()
        assert info["Debug"] is True
        assert info["RegistryConfig"]["Mirrors"] == ["http://127.0.0.1:5998/"]
        assert bundled_engine.pid == pid, "taken live, without a restart"
    finally:
        run(asyncio.to_thread(bundled_engine.apply_settings_blocking, before))
