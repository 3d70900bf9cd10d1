"""`dockyard --screenshot DIR`: one PNG per pane, each taken once its data is loaded, then
the close looks: those named here, and those a pane arranges itself (`pictures()`, an async
iterator of (name, widget to grab or None for the window)). One set per theme and window
size, each in a folder of its own ("dark-1024x700")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop_app import theme
from desktop_app.window import MainWindow
from engine_bridge import Connection, ContainerSummary

log = logging.getLogger(__name__)


#: The window sizes pictures are taken at unless one is asked for: a laptop's, and a small one.
SIZES = ((1440, 900), (1024, 700))


async def write_screenshots(
    window: MainWindow,
    folder: Path,
    sizes: Sequence[tuple[int, int]] = SIZES,
    themes: Sequence[theme.Choice] = (theme.Choice.LIGHT, theme.Choice.DARK),
    timeout: float = 60.0,
) -> list[Path]:
    """Wait for the engine's lists (or for the no-engine page), then save every pane in
    each theme at each size."""
    deadline = asyncio.get_running_loop().time() + timeout
    while window.session is not None and not window.containers_pane.is_loaded:
        state = window.session.state
        if state is not None and state.connection.status is Connection.LOST:
            break  # the window says why the engine cannot be used: that is the picture
        if asyncio.get_running_loop().time() > deadline:
            log.warning("the engine's lists did not load within %.0f s", timeout)
            break
        await asyncio.sleep(0.05)
    written: list[Path] = []
    for width, height in sizes:
        for chosen in themes:
            window.resize(width, height)
            # A layout still pending from the last set (a dock taken away) may size the
            # window again once the loop turns: size it once more after that.
            await asyncio.sleep(0.05)
            window.resize(width, height)
            theme.apply(chosen)
            where = folder / f"{chosen.value}-{width}x{height}"
            where.mkdir(parents=True, exist_ok=True)
            written.extend(await _write_set(window, where))
    return written


async def _write_set(window: MainWindow, folder: Path) -> list[Path]:
    written = []
    for number, title in enumerate(window.panes, start=1):
        window.show_pane(title)
        await asyncio.sleep(0.25)  # let layouts settle and late rows arrive
        await _stats_read(window)
        name = f"{number:02d}-{title.lower().replace(' ', '-')}.png"
        written.append(await _save(window, folder / name))
    running = [c for c in window.containers_pane.model.containers() if c.state == "running"]
    if running and window.session is not None:
        stats = window.session.stats

        def busy(c: ContainerSummary) -> float:
            history = stats.history(c.id)
            return history.latest.cpu_percent if history and history.latest else 0.0

        pane = window.containers_pane
        window.show_pane(pane.title)
        pane.select([max(running, key=busy).name])
        pane.details.show_tab("Stats")
        await asyncio.sleep(0.25)
        await _stats_read(window, readings=5)
        written.append(await _save(window, folder / f"{len(written) + 1:02d}-container-stats.png"))
        pane.details.show_tab("Logs")
        await asyncio.sleep(1.0)  # the last lines of the log arrive
        written.append(await _save(window, folder / f"{len(written) + 1:02d}-container-logs.png"))
    rows = window.images_pane.model.rows()
    if rows:
        images = window.images_pane
        window.show_pane(images.title)
        chosen = max(rows, key=lambda r: (bool(r.digest), len(r.image.repo_tags)))
        images.select(chosen.reference)
        details = images.details
        details.show_tab("Layers")
        for _ in range(200):  # ten seconds at most
            if details.layers.rowCount():
                break
            await asyncio.sleep(0.05)
        written.append(await _save(window, folder / f"{len(written) + 1:02d}-image-layers.png"))
        details.show_tab("Digests")
        await asyncio.sleep(0.2)
        written.append(await _save(window, folder / f"{len(written) + 1:02d}-image-digests.png"))
    for title, shown in window.panes.items():
        pictures = getattr(shown, "pictures", None)
        if pictures is None:
            continue
        window.show_pane(title)
        await asyncio.sleep(0.25)
        async for name, widget in pictures():
            target = widget if widget is not None else window
            written.append(await _save(target, folder / f"{len(written) + 1:02d}-{name}.png"))
    async for name, widget in _window_pictures(window):
        written.append(await _save(widget, folder / f"{len(written) + 1:02d}-{name}.png"))
    return written


async def _window_pictures(window: MainWindow) -> AsyncIterator[tuple[str, QWidget]]:
    """The window's own dialogs: Go to anything with a few letters typed, and Settings."""
    from desktop_app.dialogs.palette import CommandPalette
    from desktop_app.dialogs.settings_dialog import SettingsDialog

    palette = CommandPalette(window.palette_entries(), window)
    palette.show()
    names = [words for words, _key in window.containers_pane.findables()]
    palette.query.setText(names[0][:3] if names else "st")
    await asyncio.sleep(0.2)
    yield "go-to-anything", palette
    palette.close()
    palette.deleteLater()
    settings = SettingsDialog(window)
    settings.show()
    await asyncio.sleep(0.2)
    yield "settings", settings
    settings.close()
    settings.deleteLater()
    window.show_pane(window.containers_pane.title)
    drawer = window.activity_dock.isVisible()
    window.activity_dock.show()
    await asyncio.sleep(0.2)
    yield "activity-command-log", window
    window.activity_dock.setVisible(drawer)
    window.show_guide(keep=False)
    await asyncio.sleep(0.3)
    yield "first-container-guide", window
    window.close_guide()


async def _stats_read(window: MainWindow, readings: int = 3, timeout: float = 8.0) -> None:
    """Wait until each container whose stats are on screen has a few readings to show."""
    session = window.session
    if session is None:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        histories = [session.stats.history(i) for i in session.stats.wanted()]
        if all(h is not None and len(h) >= readings for h in histories):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.6)  # one more redraw of the feed


async def _save(window: QWidget, path: Path) -> Path:
    # Let the loop deliver what is pending (layouts, repaints) the normal way: processing
    # events from inside a task would run other tasks inside this one.
    await asyncio.sleep(0.05)
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path
