"""Terminals against the real engine: a shell with a TTY that follows the widget's size,
full-screen programs, a container that stops, an image without a shell, attach and detach,
and one command run for its output."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.dialogs.terminal_options import RunCommandDialog
from desktop_app.window import MainWindow
from engine_bridge import ContainerRef
from tests.bridge.helpers import docker_async
from tests.engine_support import BUSYBOX_BINARY, TEST_LABEL
from tests.gui.conftest import until

NO_SHELL_IMAGE = "dockyard-test/no-shell:latest"


@pytest.fixture(scope="module")
def no_shell_image(docker_client: Any) -> Iterator[str]:
    """An image with busybox but no /bin/sh."""
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(BUSYBOX_BINARY, Path(context) / "busybox")
        (Path(context) / "Dockerfile").write_text(
            f"FROM scratch\nCOPY busybox /busybox\nLABEL {TEST_LABEL}=1\n"
            'CMD ["/busybox", "sleep", "300"]\n'
        )
        docker_client.images.build(path=context, tag=NO_SHELL_IMAGE, rm=True)
    yield NO_SHELL_IMAGE
    docker_client.api.remove_image(NO_SHELL_IMAGE, force=True)


def ref_of(cli: Callable[..., Any], name: str) -> ContainerRef:
    return ContainerRef(cli("inspect", "--format", "{{.Id}}", name).stdout.strip(), name)


def test_shell_size_vi_top_and_the_container_stopping(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")
    ref = ref_of(cli, name)
    session = window.session
    assert session is not None

    async def scenario() -> None:
        window.show_pane(window.terminals_pane.title)
        tab = await window.terminals_pane.open_exec(session, ref, ["sh"])
        view = tab.view
        # The shell's TTY is made at the terminal's real size, not 24x80.
        first = view.grid_size()
        assert first != (24, 80)
        assert tab.opened_size == first
        await until(lambda: "#" in view.text(), 5, "a prompt")
        view.send(b"stty size\r")
        await until(lambda: f"{first[0]} {first[1]}" in view.text(), 5, "the TTY's first size")
        window.resize(1100, 760)  # the widget changes size; the TTY must follow
        await until(lambda: (view.term.lines, view.term.columns) == view.grid_size(), 3, "resized")
        rows, cols = view.grid_size()
        view.send(b"stty size\r")
        await until(lambda: f"{rows} {cols}" in view.text(), 5, "the TTY follows the widget")
        view.send(b"vi /note\r")
        await until(lambda: "/note" in view.text(), 5, "vi on screen")
        view.send(b"ihello from vi")
        await until(lambda: "hello from vi" in view.text(), 5, "typed into vi")
        view.send(b"\x1b")  # alone: right after it, ':' could read as part of a key sequence
        await asyncio.sleep(0.3)
        view.send(b":wq\r")

        def saved() -> bool:
            done = cli("exec", name, "cat", "/note", check=False)
            return bool(done.stdout == "hello from vi\n")

        await until(saved, 5, "vi wrote the file")
        view.send(b"clear; top\r")
        await until(lambda: "PID" in view.text() and "Mem:" in view.text(), 5, "top draws")
        view.send(b"q")
        view.send(b"\x03")  # Ctrl+C reaches the shell as 0x03
        await docker_async("stop", "-t", "0", name)
        await until(lambda: tab.ended.is_set(), 10, "the terminal notices")
        assert "stopped" in view.text() or "ended" in view.text()
        assert not view.input_enabled

    run(scenario())


def test_image_without_a_shell_says_so(
    window: MainWindow, no_shell_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, no_shell_image)
    ref = ref_of(cli, name)
    session = window.session
    assert session is not None

    async def scenario() -> None:
        tab = await window.terminals_pane.open_exec(session, ref, ["sh"])
        await until(lambda: tab.ended.is_set(), 10, "it ends")
        assert "no such program" in tab.view.text().replace("\n", "")

    run(scenario())


def test_attach_and_detach_with_ctrl_p_ctrl_q(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-dit", *label, "--name", name, busybox_image, "sh")
    ref = ref_of(cli, name)
    session = window.session
    assert session is not None

    async def scenario() -> None:
        tab = await window.terminals_pane.open_attach(session, ref, tty=True)
        view = tab.view
        view.send(b"echo attached-$((40+2))\r")
        await until(lambda: "attached-42" in view.text(), 5, "the main shell answers")
        view.send(b"\x10\x11")
        await until(lambda: tab.ended.is_set(), 5, "detached")
        assert "Detached" in view.text().replace("\n", "")

    run(scenario())
    assert cli("inspect", "--format", "{{.State.Status}}", name).stdout.strip() == "running"


def test_run_one_command(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")
    session = window.session
    assert session is not None
    dialog = RunCommandDialog(session, ref_of(cli, name))

    async def scenario() -> None:
        dialog.command.setText("sh -c 'echo out; echo err >&2; exit 3'")
        await dialog.run()

    run(scenario())
    assert dialog.output.toPlainText().startswith("out\n")
    assert "err" in dialog.output.toPlainText()
    assert dialog.exit_code.text() == "Exit code 3"
    assert f"docker exec {name} sh -c" in dialog.equivalent.text()
    dialog.deleteLater()


def test_a_lost_engine_is_said_and_the_terminal_reconnects(
    proxied_window: MainWindow, proxy: Any, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, run: Any,
) -> None:  # fmt: skip
    window = proxied_window
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")
    ref = ref_of(cli, name)
    session = window.session
    assert session is not None

    async def scenario() -> None:
        await until(lambda: ref.id in (session.state.of("container") if session.state else {}),
                    5, "row")  # fmt: skip
        window.show_pane(window.terminals_pane.title)
        tab = await window.terminals_pane.open_exec(session, ref, ["sh"])
        view = tab.view
        await until(lambda: "#" in view.text(), 5, "a prompt")
        proxy.go_down()
        await until(lambda: tab.ended.is_set(), 10, "the terminal ended with the connection")
        assert "connection to the engine was lost" in view.text()
        assert "exit code" not in view.text()
        assert tab.lost_bar.isVisible()
        await until(lambda: not session.live, 10, "the loss noticed")
        assert not tab.reconnect_button.isEnabled()
        assert "Waiting for the engine" in tab.lost_text.text()
        proxy.come_back()
        await until(tab.reconnect_button.isEnabled, 20, "offered once the engine answers")
        assert name in tab.lost_text.text()
        tab.reconnect_button.click()
        await until(lambda: not tab.lost_bar.isVisible(), 10, "reconnected")
        view.send(b"echo back-$((40+2))\r")
        await until(lambda: "back-42" in view.text(), 5, "a working shell again")

    run(scenario())


def test_a_terminal_made_shorter_keeps_what_it_shows(qtbot: Any) -> None:
    from desktop_app.widgets.terminal import TerminalView

    view = TerminalView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitUntil(lambda: view.term.lines == view.grid_size()[0])
    view.feed(b"first line\r\nsecond line\r\n$ ")
    view.resize(600, 200)  # a bar appears under it, say
    qtbot.waitUntil(lambda: view.term.lines == view.grid_size()[0])
    assert view.text().splitlines()[:3] == ["first line", "second line", "$"]
    assert view.term.cursor.y == 2
    # Full to the last row, it gives up its top rows, the cursor staying on its line.
    view.feed(b"\r\n".join(f"row {n}".encode() for n in range(40)))
    rows = view.term.lines
    view.resize(600, 120)
    qtbot.waitUntil(lambda: view.term.lines < rows)
    assert view.text().splitlines()[-1] == "row 39"
    assert view.term.cursor.y == view.term.lines - 1
