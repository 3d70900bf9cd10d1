"""The Images pane against the real engine and a real registry (docker-registry with
htpasswd auth on 127.0.0.1), with the login kept in a real keyring (gnome-keyring)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from desktop_app.panes.images.login_dialog import RegistryLoginDialog
from desktop_app.panes.images.rows import TAG, ImageRow
from desktop_app.window import MainWindow
from engine_bridge.credentials import Credentials
from engine_bridge.operations import OperationState
from tests.bridge.helpers import docker_async
from tests.engine_support import BUSYBOX_BINARY, build_files_image
from tests.gui.conftest import answer_choice, until
from tests.registry_support import LocalRegistry, SecretService


@pytest.fixture
def test_repo(docker_client: Any, registry: LocalRegistry, name: str) -> Iterator[str]:
    """A repository name on the test registry; every image under it is removed after."""
    repository = f"{registry.host}/dockyard-test/{name}"
    yield repository
    for image in docker_client.api.images(filters={"reference": f"{repository}*"}):
        docker_client.api.remove_image(image["Id"], force=True)


def _row(window: MainWindow, reference: str) -> ImageRow | None:
    return next((r for r in window.images_pane.model.rows() if r.reference == reference), None)


async def _choose(window: MainWindow, key: str) -> str:
    """Wait for the Images pane's question, press the button `key`; returns what it said."""
    return await answer_choice(window.images_pane, key)


def test_list_shows_each_tag_and_dangling_images_on_request(
    window: MainWindow, docker_client: Any, test_repo: str, run: Any
) -> None:
    pane = window.images_pane
    first, second = f"{test_repo}:1.0", f"{test_repo}:latest"

    async def scenario() -> None:
        build_files_image(docker_client, first, {"a.bin": os.urandom(1000)})
        await docker_async("tag", first, second)
        await until(lambda: _row(window, first) and _row(window, second), 5, "both tags")
        row = _row(window, first)
        assert row is not None
        assert row.other_tags == (second,)
        pane.select(first)
        assert pane.view.selectionModel().selectedRows(TAG)[0].data().endswith("(+1)")

        # Building the tag anew leaves the old image without a name: dangling.
        old_id = row.image.id
        await docker_async("rmi", second)
        build_files_image(docker_client, first, {"b.bin": os.urandom(1000)})
        await until(lambda: any(r.image.id == old_id and not r.repository
                                for r in pane.model.rows()), 5, "dangling row")  # fmt: skip
        shown = {pane.proxy.index(r, 0).data() for r in range(pane.proxy.rowCount())}
        assert "<none>" not in shown
        pane.show_dangling.setChecked(True)
        shown = {pane.proxy.index(r, 0).data() for r in range(pane.proxy.rowCount())}
        assert "<none>" in shown
        pane.filter_box.setText(test_repo.rsplit("/", 1)[-1])
        assert pane.proxy.rowCount() == 1

        # Prune says what it would free before anything goes (cancelled here: the engine
        # may hold images that are not the tests').
        pruning = asyncio.ensure_future(pane.prune_dialog())
        words = await _choose(window, "cancel")
        assert re.search(r"\d+ dangling images? would free about", words)
        assert await pruning is None
        assert any(r.image.id == old_id for r in pane.model.rows())
        docker_client.api.remove_image(old_id, force=True)

        # Run opens the Run dialog with the image filled in.
        assert pane.select(first)
        pane.run_action.trigger()
        containers = window.containers_pane
        await until(lambda: containers.run_dialog is not None, 5, "the Run dialog")
        assert containers.run_dialog is not None
        assert containers.run_dialog.image.text() == first
        containers.run_dialog.reject()

    run(scenario())


def test_push_remove_and_pull_back_through_the_pane(
    window: MainWindow, docker_client: Any, registry: LocalRegistry,
    keyring_session: SecretService, test_repo: str, run: Any,
) -> None:  # fmt: skip
    pane = window.images_pane
    reference = f"{test_repo}:2.0"

    async def scenario() -> None:
        files = {"one.bin": os.urandom(400_000), "two.bin": os.urandom(200_000)}
        build_files_image(docker_client, reference, files)
        await until(lambda: _row(window, reference), 5, "the image listed")
        assert await pane.log_in(
            Credentials(registry.host, registry.username, registry.password)
        ), pane.message.text()
        assert await pane.push(reference) is not None, pane.message.text()

        row = _row(window, reference)
        assert row is not None
        removal = asyncio.ensure_future(pane.remove(row))
        words = await _choose(window, "untag")
        assert "Frees up to" in words
        await removal
        await until(lambda: _row(window, reference) is None, 5, "row gone")

        pulled = await pane.pull(reference)
        assert pulled is not None, pane.message.text()
        assert pulled.state is OperationState.SUCCEEDED
        item = window.activity.tree.topLevelItem(0)
        assert item is not None
        assert item.text(2) == f"docker pull {reference}"
        assert item.childCount() == 2, "one line per layer"
        assert all("Done" in item.child(i).text(1) for i in range(2))  # type: ignore[union-attr]

        await until(lambda: _row(window, reference), 5, "pulled image listed")
        assert pane.select(reference)
        details = pane.details
        await until(lambda: details.pull_by_digest.text(), 10, "digest shown")
        assert details.pull_by_digest.text().startswith(f"docker pull {test_repo}@sha256:")
        assert details.layers.rowCount() == 3, "two COPY layers and the LABEL step"
        instructions = [details.layers.item(r, 1).text() for r in range(3)]  # type: ignore[union-attr]
        assert instructions[0].startswith("COPY")
        assert details.layers.item(2, 2).text() == "empty"  # type: ignore[union-attr]

        details.show_tab("Digests")
        details.ask_registry.click()
        await until(lambda: "Same as here" in details.registry_state.text(), 10, "registry")
        assert details.platforms.rowCount() >= 1
        assert details.platforms.item(0, 0).text() == "linux"  # type: ignore[union-attr]

    run(scenario())


def test_pull_of_a_bad_or_missing_image_says_why(
    window: MainWindow, registry: LocalRegistry, run: Any
) -> None:
    pane = window.images_pane

    async def scenario() -> None:
        assert await pane.pull("127.0.0.1:9/nothing/here:1") is None
        assert "Cannot reach 127.0.0.1:9" in pane.message.text()
        asking = asyncio.ensure_future(pane.pull(f"{registry.host}/dockyard-test/none:1"))
        words = await _choose(window, "cancel")
        assert "wants a login" in words
        assert await asking is None
        assert "refused" in pane.message.text()

    run(scenario())


def test_remove_refuses_while_a_running_container_uses_the_image(
    window: MainWindow, docker_client: Any, test_repo: str, label: list[str], name: str,
    run: Any,
) -> None:  # fmt: skip
    pane = window.images_pane
    # An image of its own (busybox plus a file no other image has): only this test's
    # container uses it.
    image = f"{test_repo}:in-use"
    files = {"busybox": BUSYBOX_BINARY.read_bytes(), "marker": os.urandom(16)}
    build_files_image(docker_client, image, files, executables=("busybox",))

    async def scenario() -> None:
        await docker_async("run", "-d", *label, "--name", name, "--entrypoint", "/busybox",
                           image, "sleep", "300")  # fmt: skip
        await until(lambda: (row := _row(window, image)) is not None
                    and name in [c.name for c in row.users],
                    5, "the container is known to use the image")  # fmt: skip
        row = _row(window, image)
        assert row is not None
        removal = asyncio.ensure_future(pane.remove(row))
        words = await _choose(window, "cancel")
        assert f"Running containers use <b>{image}</b>: {name}." in words
        assert await removal is None
        assert _row(window, image) is not None
        await docker_async("rm", "-f", name)

    run(scenario())


def test_save_and_load_a_tar_file(
    window: MainWindow, docker_client: Any, test_repo: str, tmp_path: Path, run: Any
) -> None:
    pane = window.images_pane
    reference = f"{test_repo}:saved"
    archive = tmp_path / "saved.tar"

    async def scenario() -> None:
        build_files_image(docker_client, reference, {"s.bin": os.urandom(300_000)})
        await until(lambda: _row(window, reference), 5, "listed")
        row = _row(window, reference)
        assert row is not None
        assert await pane.save_to(row, str(archive)) is not None
        assert archive.stat().st_size > 300_000
        docker_client.api.remove_image(reference)
        await until(lambda: _row(window, reference) is None, 5, "removed")
        assert await pane.load_from(str(archive)) is not None
        await until(lambda: _row(window, reference), 5, "loaded back")
        assert reference in pane.message.text()

    run(scenario())


def test_registries_log_in_and_out_with_the_keyring_and_say_when_there_is_none(
    window: MainWindow, registry: LocalRegistry, keyring_session: SecretService,
    monkeypatch: pytest.MonkeyPatch, run: Any,
) -> None:  # fmt: skip
    pane = window.images_pane

    async def scenario() -> None:
        pane.login_action.trigger()
        await _choose(window, "login")
        await until(lambda: isinstance(pane.dialog, RegistryLoginDialog), 5, "login dialog")
        dialog = pane.dialog
        assert isinstance(dialog, RegistryLoginDialog)
        assert "keyring" in dialog.keyring_note.text()
        dialog.registry.setText(registry.host)
        dialog.username.setText(registry.username)
        dialog.password.setText(registry.password)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()
        await until(lambda: "Logged in to" in pane.message.text(), 10, "logged in")

        pane.login_action.trigger()
        words = await _choose(window, f"logout:{registry.host}")
        assert f"{registry.host} as {registry.username}" in words
        await until(lambda: "Logged out of" in pane.message.text(), 10, "logged out")
        assert pane.credentials.get(registry.host) is None

        # No session bus, so no secure keyring: the app says so and offers no login.
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
        pane.login_action.trigger()
        await until(lambda: pane.dialog is not None and pane.dialog.isVisible(), 5, "dialog")
        assert pane.dialog is not None
        assert pane.dialog.findChild(QPushButton, "choice_login") is None
        said = pane.dialog.findChild(QLabel, "choiceMessage")
        assert said is not None
        assert "No secure keyring" in said.text()
        await _choose(window, "cancel")

    run(scenario())
