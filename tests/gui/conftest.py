"""GUI fixtures: the real main window on a qasync loop, connected to the test engine."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.exceptions import TimeoutError as qt_timeout
from pytestqt.qtbot import QtBot

from desktop_app.event_loop import DockyardEventLoop
from desktop_app.window import MainWindow
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.base import EngineProvider
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.engines.local import SystemEngine
from tests.engine_proxy import EngineProxy, engine_proxy
from tests.engine_support import EngineUnderTest

T = TypeVar("T")

# Below pytest-timeout's limit (pyproject.toml), so that a stuck scenario fails here with the
# stacks of what it waits for, and the session goes on.
RUN_TIMEOUT_MS = 100_000


@pytest.fixture(scope="session")
def qt_loop(qapp: Any) -> Iterator[DockyardEventLoop]:
    """The asyncio loop on Qt's event loop, running whenever Qt processes events, as in the
    app: a task may wake up while pytest-qt processes events between a test's steps."""
    loop = DockyardEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)  # running only during GUI tests: see below
    yield loop
    asyncio.events._set_running_loop(loop)
    loop.stop()
    asyncio.events._set_running_loop(None)
    loop.close()  # ends the default executor's threads


@pytest.fixture(autouse=True)
def _loop_runs_during_the_test(qt_loop: DockyardEventLoop) -> None:
    """Mark the Qt loop as the running loop for this GUI test only, so that tests elsewhere
    can still use asyncio.run(). It stays marked until pytest-qt has processed the events
    left after the teardown (a task woken then runs on its own loop): see below."""
    asyncio.set_event_loop(qt_loop)
    asyncio.events._set_running_loop(qt_loop)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After everything of a GUI test's teardown, pytest-qt's last event processing
    included, no loop runs any more."""
    yield
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def run(qt_loop: DockyardEventLoop, qtbot: QtBot) -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine on the Qt event loop until it is done, and return its result."""

    def run_until_done(coroutine: Coroutine[Any, Any, T]) -> T:
        task = qt_loop.create_task(coroutine)
        try:
            qtbot.waitUntil(task.done, timeout=RUN_TIMEOUT_MS)
        except qt_timeout:
            stuck = io.StringIO()
            for pending in asyncio.all_tasks(qt_loop):
                pending.print_stack(file=stuck)
            task.cancel()
            raise AssertionError(f"not done in {RUN_TIMEOUT_MS // 1000} s; waiting:\n"
                                 f"{stuck.getvalue()}") from None  # fmt: skip
        result: T = task.result()
        return result

    return run_until_done


def provider_for(engine: EngineUnderTest) -> EngineProvider:
    return engine.bundled if engine.bundled is not None else SystemEngine(engine.endpoint)


@contextlib.contextmanager
def window_on(qtbot: QtBot, run: Any, provider: EngineProvider) -> Iterator[MainWindow]:
    """The main window, shown, following `provider`'s engine, its lists loaded."""
    win = MainWindow()
    win.show()
    qtbot.waitExposed(win)

    async def open_engine() -> None:
        await win.use_engine(provider)
        await until(lambda: win.containers_pane.is_loaded, 15, "lists loaded")

    run(open_engine())
    try:
        yield win
    finally:
        run(win.drop_engine())
        win.close()
        win.deleteLater()


@pytest.fixture
def window(
    qtbot: QtBot, test_engine: EngineUnderTest, busybox_image: str, run: Any
) -> Iterator[MainWindow]:
    """The main window, shown, following the test engine, its lists loaded."""
    with window_on(qtbot, run, provider_for(test_engine)) as win:
        yield win


@pytest.fixture
def proxy(test_engine: EngineUnderTest, tmp_path: Path) -> Iterator[EngineProxy]:
    """The real engine behind a socket that the test can make misbehave."""
    with engine_proxy(test_engine.endpoint.address, tmp_path / "proxy.sock") as running:
        yield running


@pytest.fixture
def proxied_window(
    qtbot: QtBot, proxy: EngineProxy, busybox_image: str, run: Any
) -> Iterator[MainWindow]:
    """The main window on the real engine through `proxy`, its lists loaded."""
    with window_on(qtbot, run, SystemEngine(Endpoint("proxy", proxy.host, "proxy"))) as win:
        yield win


async def until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Let the loop run until `predicate()` is true; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.01)


def container_row(window: MainWindow, name: str) -> QModelIndex | None:
    """The Containers list's row (its Name cell) of the container called `name`, as shown."""
    proxy = window.containers_pane.proxy

    def walk(parent: QModelIndex) -> QModelIndex | None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            if index.data() == name:
                return index
            found = walk(index)
            if found is not None:
                return found
        return None

    return walk(QModelIndex())


__all__ = ["BundledEngine", "container_row", "provider_for", "until"]


async def answer_choice(pane: Any, key: str) -> str:
    """Wait for a pane's question (a ChoiceDialog in `pane.dialog`), press the button `key`
    ("cancel" or a choice); returns what the question said."""
    await until(lambda: pane.dialog is not None and pane.dialog.isVisible(), 5, "a question")
    dialog = pane.dialog
    said = dialog.findChild(QLabel, "choiceMessage")
    words = said.text() if said is not None else ""
    button = dialog.findChild(QPushButton, f"choice_{key}")
    assert button is not None, f"no button {key} in: {words}"
    button.click()
    return str(words)
