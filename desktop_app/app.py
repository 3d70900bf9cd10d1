"""`dockyard`: the QApplication on the asyncio loop (qasync), command-line flags, main()."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import settings, theme
from desktop_app.event_loop import DockyardEventLoop
from desktop_app.memory import settle_malloc
from desktop_app.window import MainWindow
from engine_bridge import Preference, choose

log = logging.getLogger("dockyard")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dockyard", description="A desktop app for Docker.")
    parser.add_argument(
        "--engine",
        choices=[p.value for p in Preference],
        help="ask (default, or as chosen in Settings): the engine the docker CLI would use, "
        "else offer Dockyard's own; "
        "auto: the same, but start Dockyard's own engine without asking; "
        "system: only the system engine; bundled: start Dockyard's own engine; "
        "vm: start Dockyard's engine in a virtual machine (QEMU); "
        "wsl: start Dockyard's engine in WSL 2 (Windows)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        type=Path,
        help="write one PNG of each pane into DIR once its data is loaded, then exit",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size,
        help="the window's size, e.g. 1024x700 (for screenshots at a given size)",
    )
    parser.add_argument(
        "--theme",
        choices=[c.value for c in theme.Choice],
        help="light or dark whatever the desktop says, or system to follow it (default: as "
        "chosen in Settings); with --screenshot, only this theme's pictures",
    )
    parser.add_argument("--verbose", action="store_true", help="log what happens to stderr")
    parser.add_argument("--report-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--report-painted", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--close-when-ready", choices=["window", "shortcut"], help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()) or int(width) < 640 or int(height) < 480:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a size: write WIDTHxHEIGHT, at least 640x480"
        )
    return int(width), int(height)


def _install_excepthook(window: MainWindow) -> None:
    """Log unexpected errors; show the first one to the user, without a traceback."""
    shown = False

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        nonlocal shown
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if not shown:
            shown = True
            QMessageBox.warning(
                window,
                "Something went wrong",
                f"Dockyard hit an unexpected problem ({kind.__name__}: {error}). It keeps "
                "running; the details are in its log (run with --verbose to see them).",
            )

    sys.excepthook = hook


QUIT_WITHIN = 1.5  # seconds the engine's connections get to close when the user quits


async def run(window: MainWindow, args: argparse.Namespace) -> int:
    """Open the engine, then wait until the window is closed (or the screenshots are
    written), and let go of the engine within QUIT_WITHIN seconds, whatever it does."""
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    if args.report_ready:
        window.engine_ready.connect(lambda: print("dockyard: containers listed", flush=True))
    if args.report_painted:  # for the start-up benchmark
        _FirstPaint(window.sidebar, "dockyard: window painted")
        pane = window.containers_pane  # its rows show before every list is in
        _FirstPaint(pane.view.viewport(), "dockyard: rows painted", pane.model.rowCount)
    if args.close_when_ready:
        window.engine_ready.connect(lambda: _close_soon(window, args.close_when_ready))
    # Shown at once: looking for the engine and connecting to it may take seconds.
    window.show()
    work = asyncio.ensure_future(_open_engine_and_work(window, args, closed))
    quitting = asyncio.ensure_future(closed.wait())
    try:
        await asyncio.wait({work, quitting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work, quitting):
            task.cancel()
        await asyncio.gather(work, quitting, return_exceptions=True)
        try:
            async with asyncio.timeout(QUIT_WITHIN):
                await window.drop_engine()
        except TimeoutError:
            log.warning("the engine's connections did not close within %.1f s", QUIT_WITHIN)
    return 0


async def _open_engine_and_work(
    window: MainWindow, args: argparse.Namespace, closed: asyncio.Event
) -> None:
    window.show_looking_for_engine()
    choice = await choose(Preference(args.engine))
    if choice.provider is None:
        window.show_no_engine(choice.reason)
    else:
        await window.use_engine(choice.provider, start=choice.start_bundled)
    if args.screenshot is None and window.session is not None and window.session.live:
        window.offer_guide()
    if args.screenshot is not None:
        from desktop_app.screenshots import SIZES, write_screenshots

        sizes = [args.size] if args.size else SIZES
        themes = (
            [theme.Choice(args.theme)] if args.theme else [theme.Choice.LIGHT, theme.Choice.DARK]
        )
        for path in await write_screenshots(window, args.screenshot, sizes, themes):
            print(path, flush=True)
    else:
        await closed.wait()


class _FirstPaint(QObject):
    """Prints `words` when the widget it watches is first painted (once `ready()` says so)."""

    def __init__(
        self, watched: QWidget, words: str, ready: Callable[[], object] = lambda: True
    ) -> None:
        super().__init__(watched)
        self.words = words
        self.ready = ready
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() is QEvent.Type.Paint and self.ready():
            watched.removeEventFilter(self)
            print(self.words, flush=True)
        return False


def _close_soon(window: MainWindow, how: str) -> None:
    """Close the window as a user would, for tests of quitting: its close button, or the
    Quit shortcut."""

    def close() -> None:
        if how == "shortcut":
            from PySide6.QtCore import Qt
            from PySide6.QtTest import QTest

            QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        else:
            window.close()

    QTimer.singleShot(200, close)


def _quit_on_signals(loop: DockyardEventLoop, window: MainWindow) -> None:
    """SIGTERM, SIGINT and SIGHUP close the window, so quitting by signal cleans up as
    closing it does."""

    def handler(_signal: int, _frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(window.close)

    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, handler)
    loop.wake_on_signals()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settle_malloc()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Dockyard")
    app.setOrganizationName("Dockyard")
    saved = settings.store()
    if args.engine is None:
        at_launch = str(saved.value("engine/at-launch", Preference.ASK.value))
        known = {p.value for p in Preference}
        args.engine = at_launch if at_launch in known else Preference.ASK.value
    chosen = args.theme or saved.value("appearance/theme", theme.Choice.SYSTEM.value)
    # The window's closing starts the goodbye (run() lets go of the engine first); Qt must
    # not end the loop under it when the last window closes.
    app.setQuitOnLastWindowClosed(False)
    loop = DockyardEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    # Styled once it is built: a style sheet in place while widgets are made and moved into
    # their layouts is worked out again at each move (~40 ms more at start-up).
    theme.apply(theme.Choice(str(chosen)) if chosen in set(theme.Choice) else theme.Choice.SYSTEM)
    theme.follow_desktop()
    if args.screenshot is None:  # pictures are taken of a window as it first opens
        window.remember = True
        window.restore_settings()
    if args.size is not None:
        window.resize(*args.size)
    _install_excepthook(window)
    _quit_on_signals(loop, window)
    # What start-up made (modules, classes, Qt wrappers) lives as long as the app: keep the
    # collector from walking it again on every full collection, which otherwise stalls the
    # UI for ~100 ms at a time while a big log streams in.
    gc.freeze()
    with loop:
        code: int = loop.run_until_complete(run(window, args))
    # Tear down in order, widgets before the application, while Python is still whole:
    # leaving it to the interpreter's final collection has crashed PySide6 here.
    window.close()
    window.deleteLater()
    del window
    app.processEvents()
    sys.excepthook = sys.__excepthook__
    gc.collect()
    app.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
