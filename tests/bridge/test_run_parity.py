"""Parity: a container created from a RunSpec through the SDK, and the one the real docker
CLI creates from the rendered command, inspect the same in every field the options touch."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.dto import RestartPolicy
from engine_bridge.resources.containers import run_container, run_spec_of
from engine_bridge.specs.mounts import parse_mount
from engine_bridge.specs.ports import parse_port
from engine_bridge.specs.run_spec import RunSpec
from tests.engine_support import EngineUnderTest

CONFIG_FIELDS = ("Image", "Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels", "Tty",
                 "OpenStdin", "ExposedPorts", "Volumes")  # fmt: skip
HOST_FIELDS = ("PortBindings", "PublishAllPorts", "Binds", "RestartPolicy", "NetworkMode",
               "Memory", "MemorySwap", "NanoCpus", "AutoRemove")  # fmt: skip


def cases(image: str, unique: str, folder: Path) -> dict[str, RunSpec]:
    # The test image carries TEST_LABEL, so every container made from it does too.
    base = RunSpec(image=image, labels=(("purpose", "parity"),), command=("sleep", "300"))
    ports = (parse_port("127.0.0.1::80"), parse_port("127.0.0.1::53/udp"), parse_port("8080"))
    mounts = (
        parse_mount(f"{unique}-data:/data"),
        parse_mount("/cache"),
        parse_mount(f"{folder}:/site:ro"),
    )
    return {
        "plain": base,
        "ports": replace(base, ports=ports, publish_all=True),
        "environment": replace(
            base,
            env=(("MODE", "prod"), ("EMPTY", ""), ("SPACED", "a b")),
            labels=(*base.labels, ("tier", "web")),
            workdir="/tmp",
            user="1000:1000",
        ),
        "volumes": replace(base, mounts=mounts),
        "limits": replace(
            base, restart=RestartPolicy("on-failure", 3), memory=64 * 1024**2, cpus=0.5
        ),
        "entrypoint": replace(
            base, entrypoint="sh", command=("-c", "sleep 300"), interactive=True, tty=True
        ),
        "remove-on-exit": replace(base, auto_remove=True, network=f"{unique}-net"),
    }


def in_any_order(spec: RunSpec) -> RunSpec:
    """The spec with its ports and mounts sorted: their order means nothing to the engine."""
    return replace(
        spec,
        ports=tuple(sorted(spec.ports, key=str)),
        mounts=tuple(sorted(spec.mounts, key=str)),
    )


def inspect_fields(cli: Callable[..., Any], container: str) -> dict[str, Any]:
    data = json.loads(cli("inspect", container).stdout)[0]
    fields = {f"Config.{k}": data["Config"].get(k) for k in CONFIG_FIELDS}
    fields |= {f"HostConfig.{k}": data["HostConfig"].get(k) for k in HOST_FIELDS}
    fields["Mounts"] = sorted(
        (m["Type"], m.get("Name", "") if m["Type"] == "volume" and len(m.get("Name", "")) != 64
         else m.get("Source", "") if m["Type"] == "bind" else "anonymous",
         m["Destination"], m["RW"])
        for m in data["Mounts"]
    )  # fmt: skip
    fields["Networks"] = sorted(data["NetworkSettings"]["Networks"])
    # The CLI gathers -e and -v through maps, so their order is not the command line's; the
    # engine gives order no meaning in either list.
    for key in ("Config.Env", "HostConfig.Binds"):
        fields[key] = sorted(fields[key] or [])
    return fields


@pytest.mark.parametrize(
    "case", ["plain", "ports", "environment", "volumes", "limits", "entrypoint", "remove-on-exit"]
)
def test_sdk_and_cli_make_the_same_container(
    case: str, test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    cli("network", "create", *label, f"{name}-net")
    spec = cases(busybox_image, name, tmp_path)[case]
    via_cli = replace(spec, name=f"{name}-cli")
    via_sdk = replace(spec, name=f"{name}-sdk")
    argv = via_cli.argv()
    assert argv[:2] == ("docker", "run")
    cli(*argv[1:])

    async def create() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        try:
            await bridge.connect()
            operation = await bridge.perform(run_container(via_sdk))
            assert operation.command == shlex.join(via_sdk.argv())
            # And back: what Dockyard works out from the container is what made it.
            worked_out = await run_spec_of(bridge, str(operation.result))
            assert in_any_order(worked_out) == in_any_order(via_sdk)
        finally:
            await bridge.close()

    arun(create())
    made_by_cli = inspect_fields(cli, f"{name}-cli")
    made_by_sdk = inspect_fields(cli, f"{name}-sdk")
    assert made_by_sdk == made_by_cli
    cli("rm", "-f", "-v", f"{name}-cli", f"{name}-sdk")
