"""The Networks pane against the real engine: a network made with the docker CLI is listed
with its subnet and gateway, the containers on it with their addresses, and follows a
container joining and leaving it; the engine's own networks are marked."""

from __future__ import annotations

from typing import Any

from desktop_app.panes.networks.pane import NetworksPane
from desktop_app.window import MainWindow
from tests.bridge.helpers import docker_async
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import until


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
