"""`dockyard --screenshot DIR`: one PNG per pane, each taken once its data is loaded."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop_app.window import MainWindow

log = logging.getLogger(__name__)


async def write_screenshots(window: MainWindow, folder: Path, timeout: float = 60.0) -> list[Path]:
    """Wait for the engine's lists (or for the no-engine page), then save every pane."""
    folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  (one local mkdir, before any engine work)
    deadline = asyncio.get_running_loop().time() + timeout
    while window.session is not None and not window.containers_pane.is_loaded:
        if asyncio.get_running_loop().time() > deadline:
            log.warning("the engine's lists did not load within %.0f s", timeout)
            break
        await asyncio.sleep(0.05)
    written = []
    for number, title in enumerate(window.panes, start=1):
        window.show_pane(title)
        await asyncio.sleep(0.25)  # let layouts settle and late rows arrive
        QApplication.processEvents()
        path = folder / f"{number:02d}-{title.lower().replace(' ', '-')}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written
