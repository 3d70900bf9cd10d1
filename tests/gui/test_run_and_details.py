"""Creating containers from the Run dialog, changing them, and looking inside them."""

from __future__ import annotations

import asyncio
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidgetItem, QTreeWidgetItem

from desktop_app.panes.containers.model import NAME, RESTART
from desktop_app.widgets.json_tree import PATH_ROLE
from desktop_app.window import MainWindow
from engine_bridge import ContainerRef
from engine_bridge.dto import RestartPolicy
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import until


def row_id(window: MainWindow, name: str) -> str | None:
    return next((c.id for c in window.containers_pane.model.containers() if c.name == name), None)


def inspect(cli: Callable[..., Any], name: str) -> dict[str, Any]:
    return dict(json.loads(cli("inspect", name).stdout)[0])


def test_run_dialog_creates_what_its_preview_says(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], name: str, run: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    pane = window.containers_pane
    env_file = tmp_path / "app.env"
    env_file.write_text("# from a file\nFROM_FILE=yes\n")

    async def scenario() -> None:
        opening = asyncio.ensure_future(pane.open_run_dialog())
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        dialog.image.setText(busybox_image)
        dialog.name.setText(name)
        dialog.command.setText("sleep 300")
        dialog.ports.set_values(["127.0.0.1::80"])
        dialog.env.set_values(["MODE=test"])
        await dialog.load_env_file(str(env_file))
        dialog.volumes.set_values([f"{name}-data:/data"])
        dialog.labels.set_values([f"{TEST_LABEL}=1"])
        dialog.restart.set_policy(RestartPolicy("on-failure", 2))
        dialog.memory.setText("64m")
        await until(lambda: "Will run:" in dialog.image_info.text(), 3, "image looked up")
        assert "sleep 300" in dialog.image_info.text()
        expected = (
            f"docker run -d --name {name} --restart on-failure:2 -p 127.0.0.1::80/tcp "
            f"-e MODE=test -e FROM_FILE=yes -v {name}-data:/data --label {TEST_LABEL}=1 "
            f"-m 64m {busybox_image} sleep 300"
        )
        assert dialog.preview.toPlainText() == expected
        assert dialog.run_button.isEnabled()
        await dialog.run()
        assert await opening
        await until(lambda: row_id(window, name) is not None, 2, "new row")
        # The new container is the one selected, its details under the list.
        await until(lambda: [c.name for c in pane.selected()] == [name], 3, "selected")

    run(scenario())
    data = inspect(cli, name)
    assert data["State"]["Status"] == "running"
    assert data["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert {"MODE=test", "FROM_FILE=yes"} <= set(data["Config"]["Env"])
    assert data["HostConfig"]["Memory"] == 64 * 1024**2
    assert shlex.join(shlex.split(window.activity.commands()[0])) == window.activity.commands()[0]
    assert window.activity.commands()[0].startswith(f"docker run -d --name {name}")


def test_run_dialog_refuses_what_cannot_work(
    window: MainWindow, busybox_image: str, run: Any
) -> None:
    pane = window.containers_pane

    async def scenario() -> None:
        opening = asyncio.ensure_future(pane.open_run_dialog())
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        dialog.image.setText(busybox_image)
        assert dialog.run_button.isEnabled()
        dialog.ports.set_values(["8080:80", "99999:80"])
        assert not dialog.run_button.isEnabled()
        assert "Ports, row 2: Host port 99999 is out of range" in dialog.problems_label.text()
        dialog.ports.set_values([])
        dialog.auto_remove.setChecked(True)
        dialog.restart.set_policy(RestartPolicy("always"))
        assert not dialog.run_button.isEnabled()
        assert "cannot go with a restart policy" in dialog.problems_label.text()
        dialog.restart.set_policy(RestartPolicy("no"))
        dialog.image.setText("dockyard-test/not-here:none")
        assert dialog.run_button.isEnabled()
        await dialog.run()
        assert dialog.isVisible(), "a failure keeps the dialog open"
        assert "Image not found" in dialog.problems_label.text()
        dialog.reject()
        assert not await opening

    run(scenario())


def test_restart_policy_editor_changes_the_container(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("create", *label, "--name", name, busybox_image)
    pane = window.containers_pane

    async def scenario() -> None:
        await until(lambda: row_id(window, name) is not None, 2, "row")
        container = next(c for c in pane.model.containers() if c.name == name)
        pane._on_restart_policy(container)
        await until(lambda: pane.policy_dialog is not None, 2, "dialog open")
        dialog = pane.policy_dialog
        assert dialog is not None
        # Every policy: its explanation and its command are shown whole, the name included.
        for policy in ("no", "always", "unless-stopped", "on-failure"):
            dialog.editor.set_policy(RestartPolicy(policy, 3 if policy == "on-failure" else 0))
            await asyncio.sleep(0)
            value = "on-failure:3" if policy == "on-failure" else policy
            assert dialog.command.text().endswith(
                f"<code>docker update --restart {value} {name}</code>"
            )
            await until(lambda: _whole(dialog.command) and _whole(dialog.editor.explanation),
                        2, f"{policy}: the explanation and the command shown whole")  # fmt: skip
            assert dialog.width() <= 1024
            assert dialog.height() <= 700
        dialog.editor.set_policy(RestartPolicy("on-failure", 4))
        assert f"docker update --restart on-failure:4 {name}" in dialog.command.text()
        dialog.save.click()
        await until(lambda: pane.policy_dialog is None, 5, "saved")

        def shown_policy() -> str:
            proxy = pane.proxy
            for r in range(proxy.rowCount()):
                if proxy.index(r, NAME).data() == name:
                    return str(proxy.index(r, RESTART).data())
            return ""

        await until(lambda: shown_policy() == "on-failure:4", 2, "policy in the list")

    run(scenario())
    assert inspect(cli, name)["HostConfig"]["RestartPolicy"]["Name"] == "on-failure"


def test_recreate_keeps_the_name_and_the_volume_data(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, "-e", "MODE=old", "-v", f"{name}-data:/data",
        busybox_image, "sleep", "300")  # fmt: skip
    cli("exec", name, "sh", "-c", "echo kept > /data/file")
    old_id = inspect(cli, name)["Id"]
    pane = window.containers_pane

    async def scenario() -> None:
        await until(lambda: row_id(window, name) is not None, 2, "row")
        form = await pane.form_of(ContainerRef(old_id, name), keep_name=True)
        assert form is not None
        assert form.env == ["MODE=old"]
        form.env = ["MODE=new"]
        opening = asyncio.ensure_future(pane.open_run_dialog(form, ContainerRef(old_id, name)))
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        assert dialog.run_button.text() == "Recreate"
        await dialog.run()
        assert await opening
        await until(lambda: row_id(window, name) not in (None, old_id), 3, "new container")

    run(scenario())
    data = inspect(cli, name)
    assert data["Id"] != old_id
    assert "MODE=new" in data["Config"]["Env"]
    assert cli("exec", name, "cat", "/data/file").stdout.strip() == "kept"
    assert cli("inspect", old_id, check=False).returncode == 1
    # The original steps aside until the new one runs; only then is it removed.
    command = window.activity.commands()[0]
    assert command.startswith(
        f"docker stop {name} && docker rename {name} {name}-dockyard-old && "
        f"docker run -d --name {name} "
    )
    assert "--env MODE=new" in command
    assert command.endswith(f"&& docker rm {name}-dockyard-old")


def test_details_show_summary_inspect_and_processes(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, "-p", "127.0.0.1::80", busybox_image,
        "sleep", "300")  # fmt: skip
    pane = window.containers_pane
    details = pane.details

    async def scenario() -> None:
        await until(lambda: row_id(window, name) is not None, 2, "row")
        pane.select([name])
        await until(lambda: details.summary().get("State") == "running", 5, "summary")
        assert details.summary()["Command"] == "sleep 300"
        # The test image carries the test label itself, so the command leaves it out.
        assert details.run_command.text() == (
            f"docker run -d --name {name} --publish 127.0.0.1::80 {busybox_image} sleep 300"
        )
        details.inspect_view.search.setText("sleep")
        assert details.inspect_view.match_count.text().endswith("found")
        assert details.inspect_view.match_count.text() != "0 found"
        tree = details.inspect_view.tree
        state = child_named(tree.invisibleRootItem(), "State")
        assert child_named(state, "Status").data(0, PATH_ROLE) == ".State.Status"
        details.show_tab("Processes")
        await until(lambda: details.processes.rowCount() > 0, 5, "processes")
        table = details.processes
        titles = [cell_text(table.horizontalHeaderItem(c)) for c in range(table.columnCount())]
        assert cell_text(table.item(0, titles.index("CMD"))) == "sleep 300"

    run(scenario())


def child_named(parent: QTreeWidgetItem, key: str) -> QTreeWidgetItem:
    for index in range(parent.childCount()):
        child = parent.child(index)
        if child is not None and child.text(0) == key:
            return child
    raise AssertionError(f"no {key} under {parent.text(0)!r}")


def cell_text(item: QTableWidgetItem | None) -> str:
    assert item is not None
    return item.text()


def test_duplicate_lists_the_other_options_and_leaves_out_one_removed(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, "--cap-add", "NET_ADMIN", "--read-only",
        "--hostname", "box", "-p", "127.0.0.1:18093:80", busybox_image, "sleep", "300")  # fmt: skip
    pane = window.containers_pane
    old_id = inspect(cli, name)["Id"]

    async def scenario() -> None:
        await until(lambda: row_id(window, name) is not None, 3, "row")
        form = await pane.form_of(ContainerRef(old_id, name), keep_name=False)
        assert form is not None
        assert form.name == f"{name}-copy"
        # The original publishes 18093: the copy is offered the next free port.
        assert form.ports == ["127.0.0.1:18094:80/tcp"]
        opening = asyncio.ensure_future(pane.open_run_dialog(form))
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        shown = [dialog.other_options.item(i).text() for i in range(dialog.other_options.count())]
        # The engine writes capabilities with their CAP_ prefix.
        assert shown == ["--hostname box", "--read-only", "--cap-add CAP_NET_ADMIN"]
        dialog.other_options.setCurrentRow(1)
        dialog.remove_other.click()
        assert "--read-only" not in dialog.preview.toPlainText()
        assert "--cap-add CAP_NET_ADMIN" in dialog.preview.toPlainText()
        await dialog.run()
        assert await opening

    run(scenario())
    copy = inspect(cli, f"{name}-copy")
    assert copy["HostConfig"]["CapAdd"] == ["CAP_NET_ADMIN"]
    assert copy["HostConfig"]["ReadonlyRootfs"] is False
    assert copy["Config"]["Hostname"] == "box"
    assert copy["HostConfig"]["PortBindings"] == {
        "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18094"}]
    }
    cli("rm", "-f", f"{name}-copy")


def test_details_that_cannot_be_read_are_cleared_and_say_so(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, run: Any,
) -> None:  # fmt: skip
    cli("run", "-d", *label, "--name", name, busybox_image, "sleep", "300")
    pane = window.containers_pane
    details = pane.details

    async def scenario() -> None:
        await until(lambda: row_id(window, name) is not None, 3, "row")
        pane.select([name])
        await until(lambda: details.summary().get("State") == "running", 5, "summary")
        assert details.copy_run.isEnabled()
        details.show_container("0" * 64)  # gone, as a container removed meanwhile is
        await until(lambda: "cannot be read" in details.run_command.text(), 5, "the notice")
        assert details.summary() == {}
        assert not details.copy_run.isEnabled()
        assert details.inspect_view.tree.topLevelItemCount() == 0

    run(scenario())


def test_the_run_dialog_fills_from_a_pasted_command(
    window: MainWindow, busybox_image: str, name: str, run: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    pane = window.containers_pane
    (tmp_path / "app.env").write_text("\ufeffMODE=file\nLEVEL=2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DYT_SECRET", "from-here")

    async def scenario() -> None:
        opening = asyncio.ensure_future(pane.open_run_dialog())
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        command = (f"docker run -dp 0:80 --name {name} --env-file app.env -e MODE=cli "
                   f"-e DYT_SECRET -u=1000 -v ./site:/app:ro,cached --rm=false \\\n"
                   f"  {busybox_image} sleep 5")  # fmt: skip
        assert await dialog.fill_from_command(command)
        assert dialog.name.text() == name
        assert dialog.env.values() == ["MODE=cli", "LEVEL=2", "DYT_SECRET=from-here"]
        assert dialog.volumes.values() == [f"{tmp_path}/site:/app:ro,cached"]
        assert dialog.ports.values() == ["80/tcp"]
        assert dialog.user.text() == "1000"
        assert "DYT_SECRET from Dockyard's own environment" in dialog.paste_notes.text()
        assert not await dialog.fill_from_command("docker run --name 'bad name' busybox")
        assert "not a valid container name" in dialog.paste_notes.text()
        dialog.reject()
        await opening

    run(scenario())


def test_a_run_that_cannot_start_says_why_and_offers_to_clean_up(
    window: MainWindow, busybox_image: str, cli: Callable[..., Any], name: str, run: Any
) -> None:
    pane = window.containers_pane

    async def scenario() -> None:
        opening = asyncio.ensure_future(pane.open_run_dialog())
        await until(lambda: pane.run_dialog is not None, 2, "dialog open")
        dialog = pane.run_dialog
        assert dialog is not None
        dialog.image.setText(busybox_image)
        dialog.name.setText(name)
        dialog.labels.set_values([f"{TEST_LABEL}=1"])
        dialog.command.setText("/no/such/program")
        await dialog.run()
        said = dialog.problems_label.text()
        assert f"{name} was created but could not start" in said
        assert "as docker run leaves it" in said
        assert dialog.remove_failed.isVisible()
        assert inspect(cli, name)["State"]["Status"] == "created"
        dialog.command.setText("sleep 300")
        await dialog.remove_failed_and_retry()
        assert await opening
        assert inspect(cli, name)["State"]["Running"]

    run(scenario())


def _whole(label: Any) -> bool:
    """Whether a word-wrapped label has the height its text needs at its width."""
    return bool(label.height() >= label.heightForWidth(label.width()))
