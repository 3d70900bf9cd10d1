"""Connecting reports what `docker version` and `docker info` report; lists match the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine_bridge import list_images
from engine_bridge.bridge import EngineBridge
from engine_bridge.resources.containers import container, list_containers
from engine_bridge.resources.networks import list_networks
from engine_bridge.resources.volumes import list_volumes
from tests.bridge.helpers import live_state
from tests.engine_support import EngineUnderTest


def test_facts_match_the_cli(
    test_engine: EngineUnderTest, cli: Callable[..., Any], arun: Any
) -> None:
    version = json.loads(cli("version", "--format", "{{json .Server}}").stdout)
    info = json.loads(cli("info", "--format", "{{json .}}").stdout)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        try:
            facts = await bridge.connect()
        finally:
            await bridge.close()
        components = {c["Name"]: c["Version"] for c in version["Components"]}
        assert facts.engine_version == version["Version"]
        assert facts.api_version == version["ApiVersion"]
        assert facts.containerd_version == components["containerd"]
        assert facts.runc_version == components["runc"]
        assert (facts.os, facts.arch) == (version["Os"], version["Arch"])
        assert facts.kernel == info["KernelVersion"]
        assert facts.storage_driver == info["Driver"]
        assert facts.cgroup_driver == info["CgroupDriver"]
        assert facts.cgroup_version == info["CgroupVersion"]
        assert facts.cpus == info["NCPU"]
        assert facts.memory_bytes == info["MemTotal"]

    arun(scenario())


def test_lists_show_what_the_cli_created(
    test_engine: EngineUnderTest,
    busybox_image: str,
    cli: Callable[..., Any],
    label: list[str],
    name: str,
    arun: Any,
) -> None:
    cli("volume", "create", *label, f"{name}-data")
    cli("network", "create", *label, f"{name}-net")
    cli(
        "create", *label, "--name", name,
        "--label", "com.docker.compose.project=shop",
        "--label", "com.docker.compose.service=web",
        "--restart", "on-failure:2",
        "-p", "127.0.0.1::8080",
        "-v", f"{name}-data:/data:ro",
        busybox_image, "sleep", "300",
    )  # fmt: skip
    cli("start", name)
    published = cli("port", name, "8080/tcp").stdout.strip()

    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (bridge, state):
            rows = {c.name: c for c in await list_containers(bridge)}
            row = rows[name]
            assert row.image == busybox_image
            assert row.command == "sleep 300"
            assert row.state == "running"
            assert row.status.startswith("Up ")
            assert (row.compose_project, row.compose_service) == ("shop", "web")
            assert [f"{p.host_ip}:{p.host_port}" for p in row.ports] == [published]
            assert [(p.container_port, p.protocol) for p in row.ports] == [(8080, "tcp")]
            assert [(m.name, m.destination, m.read_only) for m in row.mounts] == [
                (f"{name}-data", "/data", True)
            ]
            detailed = await container(bridge, row.id)
            assert detailed is not None
            assert detailed.restart_policy is not None
            assert (detailed.restart_policy.name, detailed.restart_policy.max_retries) == (
                "on-failure",
                2,
            )
            assert busybox_image in {t for i in await list_images(bridge) for t in i.repo_tags}
            assert f"{name}-data" in {v.name for v in await list_volumes(bridge)}
            assert f"{name}-net" in {n.name for n in await list_networks(bridge)}
            # The store loaded the same lists, and reads the details in the background.
            assert state.of("container")[row.id].name == name
            assert f"{name}-data" in state.of("volume")

    arun(scenario())
