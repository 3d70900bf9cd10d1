"""Objects created, changed and removed with the docker CLI reach the store through events,
each as a row-level change, within a second, without a full resynchronisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine_bridge.state import Change
from tests.bridge.helpers import docker_async, live_state, until
from tests.engine_support import EngineUnderTest


def test_cli_changes_arrive_as_row_changes_within_a_second(
    test_engine: EngineUnderTest, busybox_image: str, label: list[str], name: str, arun: Any
) -> None:
    async def scenario() -> None:
        async with live_state(test_engine.endpoint) as (_bridge, state):
            heard: list[Change] = []

            def listen(changes: Sequence[Change]) -> None:
                heard.extend(changes)

            state.on_changes(listen)
            resyncs = state.resyncs

            def named(container_name: str) -> Any:
                return next(
                    (c for c in state.of("container").values() if c.name == container_name), None
                )

            container_id = await docker_async(
                "create", *label, "--name", name, busybox_image, "sleep", "300"
            )
            await until(
                lambda: container_id in state.of("container"), 1.0, "created container listed"
            )
            assert named(name).state == "created"

            await docker_async("start", name)
            await until(lambda: named(name).state == "running", 1.0, "started container")
            assert state.of("container")[container_id].started_at is not None

            await docker_async("stop", "-t", "0", name)
            await until(lambda: named(name).state == "exited", 1.0, "stopped container")
            assert state.of("container")[container_id].exit_code == 137

            await docker_async("rm", name)
            await until(lambda: container_id not in state.of("container"), 1.0, "removed container")

            await docker_async("volume", "create", *label, f"{name}-vol")
            await until(lambda: f"{name}-vol" in state.of("volume"), 1.0, "created volume")
            await docker_async("volume", "rm", f"{name}-vol")
            await until(lambda: f"{name}-vol" not in state.of("volume"), 1.0, "removed volume")

            network_id = await docker_async("network", "create", *label, f"{name}-net")
            await until(lambda: network_id in state.of("network"), 1.0, "created network")
            await docker_async("network", "rm", network_id)
            await until(lambda: network_id not in state.of("network"), 1.0, "removed network")

            await docker_async("tag", busybox_image, f"dockyard-test/{name}:v1")
            await until(
                lambda: any(
                    f"dockyard-test/{name}:v1" in i.repo_tags for i in state.of("image").values()
                ),
                1.0,
                "new tag",
            )
            await docker_async("rmi", f"dockyard-test/{name}:v1")
            await until(
                lambda: all(
                    f"dockyard-test/{name}:v1" not in i.repo_tags
                    for i in state.of("image").values()
                ),
                1.0,
                "tag removed",
            )

            assert state.resyncs == resyncs, "changes came from events, not a full reload"
            mine = [(c.resource, c.action) for c in heard if c.key in (container_id, network_id)]
            assert mine[0] == ("container", "insert")
            assert ("container", "change") in mine
            assert ("container", "remove") in mine
            assert ("network", "insert") in mine
            assert ("network", "remove") in mine

    arun(scenario())
