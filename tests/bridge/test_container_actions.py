"""Every container action run through the bridge, checked with the engine afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import OperationState
from engine_bridge.resources import containers as ops
from engine_bridge.resources.containers import ContainerRef
from tests.bridge.helpers import live_state, until
from tests.engine_support import EngineUnderTest


def test_lifecycle_actions(
    test_engine: EngineUnderTest,
    busybox_image: str,
    cli: Callable[..., Any],
    label: list[str],
    name: str,
    arun: Any,
) -> None:
    # `trap` makes the shell leave on SIGTERM, so a stop is quick and a kill signal is seen.
    container_id = cli(
        "create", *label, "--name", name, "-v", "/scratch", busybox_image,
        "sh", "-c", "trap 'exit 3' TERM; trap 'echo hup' HUP; while true; do sleep 0.1; done",
    ).stdout.strip()  # fmt: skip
    ref = ContainerRef(container_id, name)

    def inspect(fmt: str) -> str:
        return str(cli("inspect", "--format", fmt, name).stdout.strip())

    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (bridge, state):

            def row_state() -> str:
                row = state.of("container").get(container_id)
                return row.state if row else "gone"

            done = await bridge.perform(ops.start_container(ref))
            assert done.state is OperationState.SUCCEEDED
            assert inspect("{{.State.Status}}") == "running"
            await until(lambda: row_state() == "running", 1.0, "running in the store")

            await bridge.perform(ops.pause_container(ref))
            assert inspect("{{.State.Status}}") == "paused"
            await bridge.perform(ops.unpause_container(ref))
            assert inspect("{{.State.Status}}") == "running"

            await bridge.perform(ops.kill_container(ref, "SIGHUP"))
            assert inspect("{{.State.Status}}") == "running", "HUP is trapped, not fatal"

            started = inspect("{{.State.StartedAt}}")
            await bridge.perform(ops.restart_container(ref, timeout=5))
            assert inspect("{{.State.Status}}") == "running"
            assert inspect("{{.State.StartedAt}}") != started

            await bridge.perform(ops.restart_container(ref))  # the engine's default timeout
            assert inspect("{{.State.Status}}") == "running"
            await bridge.perform(ops.stop_container(ref, timeout=5))
            assert inspect("{{.State.Status}}") == "exited"
            assert inspect("{{.State.ExitCode}}") == "3", "stopped by SIGTERM, which it trapped"
            await until(lambda: row_state() == "exited", 1.0, "exited in the store")

            await bridge.perform(ops.start_container(ref))
            await bridge.perform(ops.kill_container(ref))
            assert inspect("{{.State.ExitCode}}") == "137"

            await bridge.perform(ops.start_container(ref))
            anonymous = inspect("{{range .Mounts}}{{.Name}}{{end}}")
            assert anonymous in {v["Name"] for v in _volumes(cli)}
            await bridge.perform(ops.remove_container(ref, force=True, volumes=True))
            assert cli("inspect", name, check=False).returncode == 1
            assert anonymous not in {v["Name"] for v in _volumes(cli)}
            await until(lambda: row_state() == "gone", 1.0, "gone from the store")

            titles = [(op.title, op.command, op.state) for op in bridge.operations.operations]
            assert titles[0] == ("Start " + name, f"docker start {name}", OperationState.SUCCEEDED)
            assert titles[-1][1] == f"docker rm --force --volumes {name}"

    arun(scenario())


def _volumes(cli: Callable[..., Any]) -> list[dict[str, str]]:
    out = cli("volume", "ls", "--format", "{{json .}}").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_name_conflict_and_missing_object(
    test_engine: EngineUnderTest,
    busybox_image: str,
    cli: Callable[..., Any],
    label: list[str],
    name: str,
    arun: Any,
) -> None:
    owner = cli("create", *label, "--name", name, busybox_image).stdout.strip()

    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (bridge, _state):
            client = bridge.sdk_client
            with pytest.raises(EngineError) as conflict:
                await bridge.call(
                    client.api.create_container, busybox_image, name=name,
                    labels={"dockyard.test": "1"},
                )  # fmt: skip
            assert conflict.value.kind is ErrorKind.CONFLICT
            assert conflict.value.message == (
                f"The name '{name}' is already in use by container {owner[:12]}."
            )

            ghost = ContainerRef("0" * 64, "ghost")
            operation = ops.start_container(ghost)
            with pytest.raises(EngineError) as missing:
                await bridge.perform(operation)
            assert missing.value.kind is ErrorKind.NOT_FOUND
            assert missing.value.title == "No such container"
            assert operation.state is OperationState.FAILED
            assert operation.error is missing.value

            with pytest.raises(EngineError) as no_image:
                await bridge.call(client.api.create_container, "dockyard-test/ghost:none")
            assert no_image.value.kind is ErrorKind.IMAGE_NOT_FOUND

    arun(scenario())


def test_unreachable_socket_is_explained(tmp_path: Any, arun: Any) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(Endpoint("nowhere", f"unix://{tmp_path}/none.sock", "test"))
        try:
            with pytest.raises(EngineError) as caught:
                await bridge.connect()
        finally:
            await bridge.close()
        assert caught.value.kind is ErrorKind.UNREACHABLE
        assert "No engine is listening" in caught.value.hint

    arun(scenario())
