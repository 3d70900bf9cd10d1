"""The Engine page's engines on other machines: a context added in the app (checked as
typed, its command shown) is listed by the docker CLI; Dockyard switches to the engine behind
it over TLS, live; the CLI's choice is made here and removing that one is refused in words."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from desktop_app.panes.contexts import ContextDialog, ContextsBox
from desktop_app.window import MainWindow
from engine_bridge import Connection, Lifecycle
from tests.engine_support import EngineUnderTest
from tests.gui.conftest import answer_choice, until
from tests.tls_front import TlsFront, make_certificates


async def _cli(*args: str) -> str:
    """The docker CLI as a user's terminal runs it: its engine chosen by its contexts."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    process = await asyncio.create_subprocess_exec(
        "docker", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


def test_add_use_and_remove_an_engine_over_tls(
    window: MainWindow, test_engine: EngineUnderTest, tmp_path: Path, run: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    config = tmp_path / "docker-config"
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    certificates = make_certificates(tmp_path / "certs")
    front = TlsFront(test_engine.endpoint.address, certificates)
    box = window.engine_pane.contexts_box
    assert isinstance(box, ContextsBox)
    window.show_pane("Engine")
    box.reload()
    assert [c.name for c in box.contexts] == ["default"]

    async def scenario() -> None:
        adding = asyncio.ensure_future(box.edit(None))
        await until(lambda: isinstance(box.dialog, ContextDialog), 5, "the dialog")
        dialog = box.dialog
        assert isinstance(dialog, ContextDialog)
        dialog.name.setText("lab")
        dialog.host.setText(front.host.replace("tcp://", "http://"))
        assert "not an address the app can use" in dialog.problem.text()
        dialog.host.setText(front.host)
        assert "anyone who can reach that port" in dialog.warning.text()
        dialog.ca.setText(str(certificates.ca))
        dialog.cert.setText(str(certificates.client_cert))
        assert "needs its key" in dialog.problem.text()
        dialog.key.setText(str(tmp_path / "nowhere.pem"))
        assert f"There is no file {tmp_path / 'nowhere.pem'}." in dialog.problem.text()
        dialog.key.setText(str(certificates.client_key))
        assert dialog.save_button.isEnabled(), dialog.problem.text()
        assert dialog.command.text() == (
            f"docker context create --docker host={front.host},ca={certificates.ca},"
            f"cert={certificates.client_cert},key={certificates.client_key} lab"
        )
        dialog.save_button.click()
        saved = await adding
        assert saved is not None
        listed = (await _cli("context", "ls", "-q")).split()
        assert listed == ["default", "lab"]

        # Used in Dockyard: the panes follow the engine behind the TLS front.
        box.select("lab")
        box.use_button.click()
        await until(lambda: window.session is not None
                    and window.session.provider.label.startswith("lab (")
                    and window.session.provider.status.state is Lifecycle.RUNNING, 30,
                    "the window on the TLS engine")  # fmt: skip
        await until(lambda: window.containers_pane.is_loaded, 30, "its containers listed")

        # The CLI's choice: made here, and then that context cannot be removed.
        box.select("lab")
        box.cli_button.click()
        await until(lambda: "now uses lab" in box.message.text(), 5, "the CLI's choice")
        shown = await _cli("context", "show")
        assert shown == "lab"
        removing = asyncio.ensure_future(box.remove(saved))
        await answer_choice(box, "remove")
        assert not await removing
        assert box.message.text().startswith("The context lab is in use.")

        # The engine goes away: said, and switching away from it is not held up.
        front.close()
        state = window.session.state if window.session is not None else None
        assert state is not None
        await until(lambda: state.connection.status is Connection.LOST, 30, "the loss said")
        began = asyncio.get_running_loop().time()
        await window.drop_engine()
        assert asyncio.get_running_loop().time() - began < 5

    try:
        run(scenario())
    finally:
        front.close()
