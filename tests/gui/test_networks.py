"""The Networks pane against the real engine: a network made with the docker CLI is listed
with its subnet and gateway, the containers on it with their addresses, and follows a
container joining and leaving it; the engine's own networks are marked."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.dialogs.connect_network import ConnectDialog
from desktop_app.dialogs.reading import ReadingDialog
from desktop_app.panes.networks.create_dialog import CreateNetworkDialog
from desktop_app.panes.networks.pane import NetworksPane
from desktop_app.window import MainWindow
from engine_bridge import plan_network_prune
from tests.bridge.helpers import docker_async
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import answer_choice, until


def test_a_network_with_its_plan_and_containers(
    window: MainWindow, busybox_image: str, name: str, run: Any
) -> None:
    pane = window.panes["Networks"]
    assert isinstance(pane, NetworksPane)
    window.show_pane("Networks")
    label = f"--label={TEST_LABEL}=1"

    def row() -> Any:
        return next((r for r in pane.model.rows() if r.name == name), None)

    async def scenario() -> None:
        await docker_async("network", "create", label, "--subnet", "10.231.7.0/24",
                           "--gateway", "10.231.7.1", name)  # fmt: skip
        await until(lambda: row() is not None, 10, "the network listed")
        assert pane.fmt.text(row(), 2) == "10.231.7.0/24"
        assert pane.fmt.text(row(), 3) == "10.231.7.1"
        assert pane.fmt.text(row(), 4) == "none"
        pane.select(row().id)
        page = await pane.pools_page()
        assert f"<td>10.231.7.0/24</td><td>{name}</td>" in page
        assert "of the 31 subnets an engine hands out by default" in page
        for shown in QApplication.topLevelWidgets():
            if isinstance(shown, ReadingDialog):
                shown.close()
        await docker_async("run", "-d", label, "--name", f"{name}-web", "--network", name,
                           "--ip", "10.231.7.20", busybox_image, "sleep", "300")  # fmt: skip
        await until(lambda: row() is not None and row().containers, 10, "the container on it")
        (attached,) = row().containers
        assert attached.name == f"{name}-web"
        assert attached.ipv4 == "10.231.7.20/24"
        assert pane.fmt.text(row(), 4) == f"{name}-web"
        pane.select(row().id)
        details = pane.details
        assert details is not None
        await until(lambda: details.inspect.tree.topLevelItemCount() > 0, 5, "the inspect document")  # type: ignore[attr-defined]
        await docker_async("network", "disconnect", name, f"{name}-web")
        await until(lambda: row() is not None and not row().containers, 10, "the container gone")
        builtin = {r.name: pane.fmt.text(r, 0) for r in pane.model.rows() if r.built_in}
        assert builtin["bridge"] == "bridge  · built in"
        await docker_async("rm", "-f", f"{name}-web")
        await docker_async("network", "rm", name)
        await until(lambda: row() is None, 10, "the network gone from the list")

    run(scenario())


def test_create_refuses_an_overlap_remove_guards_and_prune_previews(
    window: MainWindow, busybox_image: str, name: str, run: Any, docker_client: Any
) -> None:
    pane = window.panes["Networks"]
    assert isinstance(pane, NetworksPane)
    window.show_pane("Networks")
    mark = f"{TEST_LABEL}={name}"  # this test's own: the prune touches nothing else
    label = f"--label={mark}"

    def row(wanted: str) -> Any:
        return next((r for r in pane.model.rows() if r.name == wanted), None)

    async def scenario() -> None:
        await docker_async("network", "create", label, "--subnet", "10.232.0.0/16", f"{name}-a")
        await until(lambda: row(f"{name}-a") is not None, 10, "the first network")
        creating = asyncio.ensure_future(pane.create_dialog())
        await until(lambda: isinstance(pane.dialog, CreateNetworkDialog), 5, "the dialog")
        dialog = pane.dialog
        assert isinstance(dialog, CreateNetworkDialog)
        dialog.name.setText(f"{name}-b")
        dialog.subnet.setText("10.232.5.0/24")
        assert f"overlaps 10.232.0.0/16, which network {name}-a uses" in dialog.problem.text()
        assert not dialog.create_button.isEnabled()
        dialog.subnet.setText("10.233.5.0/24")
        dialog.gateway.setText("10.233.5.254")
        dialog.labels.set_values([mark])
        assert dialog.create_button.isEnabled()
        assert dialog.command.text() == (
            f"docker network create --subnet 10.233.5.0/24 --gateway 10.233.5.254 "
            f"--label {mark} {name}-b")  # fmt: skip
        dialog.create_button.click()
        assert await creating == f"{name}-b"
        made = docker_client.api.inspect_network(f"{name}-b")
        assert made["IPAM"]["Config"][0] == {"Subnet": "10.233.5.0/24", "Gateway": "10.233.5.254"}
        await until(lambda: (s := pane.selected()) is not None and s.name == f"{name}-b", 10,
                    "the new network selected")  # fmt: skip

        # Remove is refused while a container is on it, in words; then it goes.
        await docker_async("run", "-d", label, "--name", f"{name}-c", "--network", f"{name}-b",
                           busybox_image, "sleep", "300")  # fmt: skip
        await until(lambda: bool(row(f"{name}-b").containers), 10, "the container on it")
        pane.select(row(f"{name}-b").id)
        assert pane.remove_action.isEnabled()
        pane.remove_action.trigger()
        await until(lambda: f"Containers are on {name}-b: {name}-c." in pane.message.text(), 5,
                    "the refusal in words")  # fmt: skip
        await docker_async("rm", "-f", f"{name}-c")
        await until(lambda: not row(f"{name}-b").containers, 10, "the container gone")

        # Prune: the preview lists exactly what goes.
        preview = [n.name for n in plan_network_prune(pane.model.rows(), mark)]
        assert preview == [f"{name}-a", f"{name}-b"]
        pruning = asyncio.ensure_future(pane.prune_dialog(mark))
        await until(lambda: isinstance(pane.dialog, ChoiceDialog), 5, "the preview")
        choice = pane.dialog
        assert isinstance(choice, ChoiceDialog)
        words = choice.findChild(QLabel, "choiceMessage")
        assert words is not None
        assert f"docker network prune --force --filter label={mark}" in words.text()
        button = choice.findChild(QPushButton, "choice_prune")
        assert button is not None
        button.click()
        removed = await pruning
        assert removed == preview

    run(scenario())


def test_connect_with_an_alias_and_a_fixed_address_then_disconnect(
    window: MainWindow, busybox_image: str, name: str, run: Any, docker_client: Any
) -> None:
    pane = window.panes["Networks"]
    assert isinstance(pane, NetworksPane)
    window.show_pane("Networks")
    label = f"--label={TEST_LABEL}=1"

    def row() -> Any:
        return next((r for r in pane.model.rows() if r.name == name), None)

    async def scenario() -> None:
        await docker_async("network", "create", label, "--subnet", "10.234.1.0/24", name)
        await docker_async("run", "-d", label, "--name", f"{name}-db", busybox_image,
                           "sleep", "300")  # fmt: skip
        await until(lambda: row() is not None, 10, "the network listed")
        state = window.session.state if window.session is not None else None
        assert state is not None
        await until(lambda: any(c.name == f"{name}-db" for c in state.of("container").values()),
                    10, "the container known")  # fmt: skip
        pane.select(row().id)
        connecting = asyncio.ensure_future(pane.connect_dialog())
        await until(lambda: isinstance(pane.dialog, ConnectDialog), 5, "the dialog")
        dialog = pane.dialog
        assert isinstance(dialog, ConnectDialog)
        dialog.container.setCurrentText(f"{name}-db")
        dialog.address.setText("10.235.0.9")
        assert dialog.problem.text() == "10.235.0.9 is not inside 10.234.1.0/24."
        assert not dialog.connect_button.isEnabled()
        dialog.address.setText("10.234.1.9")
        dialog.aliases.setText("database")
        assert dialog.command.text() == (
            f"docker network connect --alias database --ip 10.234.1.9 {name} {name}-db"
        )
        dialog.connect_button.click()
        assert await connecting
        settings = docker_client.api.inspect_container(f"{name}-db")["NetworkSettings"]
        endpoint = settings["Networks"][name]
        assert endpoint["IPAMConfig"]["IPv4Address"] == "10.234.1.9"
        assert "database" in endpoint["Aliases"]
        await until(lambda: bool(row().containers), 10, "the container listed on it")
        assert row().containers[0].ipv4 == "10.234.1.9/24"

        disconnecting = asyncio.ensure_future(pane.disconnect_dialog())
        await until(lambda: isinstance(pane.dialog, ChoiceDialog), 5, "which container")
        choice = pane.dialog
        assert isinstance(choice, ChoiceDialog)
        button = choice.findChild(QPushButton, f"choice_{name}-db")
        assert button is not None
        button.click()
        await disconnecting
        await until(lambda: not row().containers, 10, "the container off it")
        settings = docker_client.api.inspect_container(f"{name}-db")["NetworkSettings"]
        assert name not in settings["Networks"]
        await docker_async("rm", "-f", f"{name}-db")
        await docker_async("network", "rm", name)

    run(scenario())


def test_connect_and_disconnect_from_the_containers_side(
    window: MainWindow, busybox_image: str, name: str, run: Any, docker_client: Any
) -> None:
    pane = window.containers_pane
    label = f"--label={TEST_LABEL}=1"

    def container() -> Any:
        return next((c for c in pane.model.containers() if c.name == f"{name}-app"), None)

    async def scenario() -> None:
        await docker_async("network", "create", label, "--subnet", "10.236.4.0/24", name)
        await docker_async("run", "-d", label, "--name", f"{name}-app", busybox_image,
                           "sleep", "300")  # fmt: skip
        await until(lambda: container() is not None, 10, "the container listed")
        state = window.session.state if window.session is not None else None
        assert state is not None
        await until(lambda: any(n.name == name for n in state.of("network").values()), 10,
                    "the network known")  # fmt: skip
        await until(lambda: [n.name for n in pane.networks_of(container())] == ["bridge"], 10,
                    "the container known on the default bridge")  # fmt: skip
        connecting = asyncio.ensure_future(pane.connect_network_dialog(container()))
        await until(lambda: isinstance(pane.dialog, ConnectDialog), 5, "the dialog")
        dialog = pane.dialog
        assert isinstance(dialog, ConnectDialog)
        assert dialog.windowTitle() == f"Connect {name}-app to a network"
        assert dialog.container.currentText() == f"{name}-app"
        assert "bridge" not in [dialog.network_box.itemText(i)
                                for i in range(dialog.network_box.count())]  # fmt: skip
        dialog.network_box.setCurrentText(name)
        dialog.aliases.setText("app")
        dialog.address.setText("10.236.4.33")
        assert dialog.command.text() == (
            f"docker network connect --alias app --ip 10.236.4.33 {name} {name}-app"
        )
        dialog.connect_button.click()
        assert await connecting, pane.message.text()
        networks = docker_client.api.inspect_container(f"{name}-app")["NetworkSettings"]["Networks"]
        assert networks[name]["IPAMConfig"]["IPv4Address"] == "10.236.4.33"
        assert "app" in networks[name]["Aliases"]
        await until(lambda: [n.name for n in pane.networks_of(container())] == ["bridge", name],
                    10, "both networks known")  # fmt: skip

        leaving = asyncio.ensure_future(pane.disconnect_network_dialog(container()))
        said = await answer_choice(pane, name)
        assert f"Take <b>{name}-app</b> off which network?" in said
        assert await leaving, pane.message.text()
        networks = docker_client.api.inspect_container(f"{name}-app")["NetworkSettings"]["Networks"]
        assert set(networks) == {"bridge"}
        await docker_async("rm", "-f", f"{name}-app")
        await docker_async("network", "rm", name)

    run(scenario())


def test_create_with_an_ipv6_subnet(
    window: MainWindow, name: str, run: Any, docker_client: Any
) -> None:
    pane = window.panes["Networks"]
    assert isinstance(pane, NetworksPane)
    window.show_pane("Networks")

    async def scenario() -> None:
        creating = asyncio.ensure_future(pane.create_dialog())
        await until(lambda: isinstance(pane.dialog, CreateNetworkDialog), 5, "the dialog")
        dialog = pane.dialog
        assert isinstance(dialog, CreateNetworkDialog)
        dialog.name.setText(name)
        dialog.labels.set_values([f"{TEST_LABEL}=1"])
        assert not dialog.subnet6.isEnabled()
        dialog.ipv6.setChecked(True)
        assert "IPv6 needs a subnet of its own" in dialog.problem.text()
        assert not dialog.create_button.isEnabled()
        dialog.subnet6.setText("fd00:7e57:1::/64")
        dialog.gateway6.setText("fd00:7e57:1::1")
        assert dialog.create_button.isEnabled(), dialog.problem.text()
        assert "--subnet fd00:7e57:1::/64 --gateway fd00:7e57:1::1 --ipv6" in dialog.command.text()
        dialog.create_button.click()
        assert await creating == name
        made = docker_client.api.inspect_network(name)
        assert made["EnableIPv6"] is True
        assert {"Subnet": "fd00:7e57:1::/64", "Gateway": "fd00:7e57:1::1"} in made["IPAM"]["Config"]
        await docker_async("network", "rm", name)

    run(scenario())
